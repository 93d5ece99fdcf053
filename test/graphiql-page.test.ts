// GraphiQL comes from this service alone: the page names no other origin, and the module it imports
// is served here and holds everything the page takes from it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGraphiqlPage } from '../src/graphql/graphiql-page.ts';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
let tmp: string;
beforeAll(async () => {
  [t, tmp] = await Promise.all([startTestApp(), mkdtemp(path.join(os.tmpdir(), 'ffapi-graphiql-'))]);
});
afterAll(async () => {
  await Promise.all([t?.stop(), rm(tmp, { recursive: true, force: true })]);
});

const moduleScript = (html: string) => /<script type="module">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';

describe('GraphiQL', () => {
  it('is a page that loads nothing from another origin', async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<title>FFmpeg media API</title>');
    expect(html).not.toMatch(/https?:\/\/|\/\/unpkg|src=["']?\/\//i);
    const script = moduleScript(html);
    expect(script).toContain("from '/graphiql/graphiql.js'");
    expect(script).toContain('"subscriptionsProtocol":"WS"');
    await transform(script, { format: 'esm', loader: 'js' }); // throws on a syntax error
  });

  it('serves the module the page imports, with every name the page takes from it', async () => {
    const res = await fetch(`${t.url}/graphiql/graphiql.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const file = path.join(tmp, 'graphiql.mjs');
    await writeFile(file, text);
    const assets = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const html = await (await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const imported = /import \{([^}]+)\} from/.exec(moduleScript(html))![1]!.split(',').map((name) => name.trim());
    expect(imported).toEqual(['js', 'css', 'favicon', 'editorWorkerService', 'jsonWorker', 'graphqlWorker']);
    for (const name of imported) expect(typeof assets[name] === 'string' && (assets[name] as string).length > 100, name).toBe(true);
    expect(assets.js).toContain('renderYogaGraphiQL');
    expect(assets.favicon).toMatch(/^data:image\//);
  });

  it('keeps its options from ending the script element', () => {
    const html = renderGraphiqlPage({ title: '<b>&', defaultQuery: '</script><script>alert(1)</script><!--' });
    expect(html).toContain('<title>&#60;b&#62;&#38;</title>');
    const script = moduleScript(html);
    expect(script).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u003c!--');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it('is not served under any other name', async () => {
    for (const pathname of ['/graphiql/', '/graphiql/graphiql.css', '/graphiql/../package.json', '/graphiql/graphiql.js/x']) {
      expect((await fetch(`${t.url}${pathname}`)).status, pathname).toBe(404);
    }
  });
});
