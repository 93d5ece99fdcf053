// GraphiQL comes from this service alone: the page names no other origin and carries a policy that
// forbids any, and the modules it loads are served here and hold everything the page takes from them.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGraphiqlPage } from '../src/graphql/graphiql-page.ts';
import { startTestApp, type TestApp } from './support/app.ts';

const packageJson = createRequire(import.meta.url).resolve('@graphql-yoga/render-graphiql/package.json');
const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
const assets = `/graphiql/${version}`;
let t: TestApp;
let tmp: string;
beforeAll(async () => {
  [t, tmp] = await Promise.all([startTestApp(), mkdtemp(path.join(os.tmpdir(), 'ffapi-graphiql-'))]);
});
afterAll(async () => {
  await Promise.all([t?.stop(), rm(tmp, { recursive: true, force: true })]);
});

const page = () => fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });

/** Status of a request sent with its path as written (fetch would normalise `..` before sending). */
function rawStatus(method: string, pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(t.url);
    http.request({ hostname, port, path: pathname, method }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject).end();
  });
}

describe('GraphiQL', () => {
  it('is a page that loads only this origin’s scripts, under a policy that allows nothing else', async () => {
    const res = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self' blob:");
    expect(policy).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).toContain('<title>FFmpeg media API</title>');
    expect(html).not.toMatch(/https?:\/\/|(src|href)=["']?\/\//i);
    expect(html).toMatch(new RegExp(`<script type="module" src="${assets}/page-[0-9a-f]{12}\\.js"></script>`));
    const options = JSON.parse(/<script type="application\/json" id="graphiql-options">([^<]*)<\/script>/.exec(html)![1]!);
    expect(options).toMatchObject({ title: 'FFmpeg media API', subscriptionsProtocol: 'WS' });
    // GraphQL answers are JSON and carry no page policy.
    const json = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(await json.json()).toEqual({ data: { __typename: 'Query' } });
    expect(json.headers.get('content-security-policy')).toBeNull();
  });

  it('serves the page script and the module it imports, with every name the script takes from it', async () => {
    const html = await (await page()).text();
    const scriptPath = /<script type="module" src="([^"]+)"/.exec(html)![1]!;
    const script = await fetch(`${t.url}${scriptPath}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    const source = await script.text();
    await transform(source, { format: 'esm', loader: 'js' }); // throws on a syntax error
    expect(source).toContain("await import('./graphiql.js')");

    const res = await fetch(`${t.url}${assets}/graphiql.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const file = path.join(tmp, 'graphiql.mjs');
    await writeFile(file, text);
    const exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const imported = /const \{([^}]+)\} = await import/.exec(source)![1]!.split(',').map((name) => name.trim());
    expect(imported).toEqual(['js', 'css', 'favicon', 'editorWorkerService', 'jsonWorker', 'graphqlWorker']);
    for (const name of imported) expect(typeof exported[name] === 'string' && (exported[name] as string).length > 100, name).toBe(true);
    expect(exported.js).toContain('renderYogaGraphiQL');
    expect(exported.favicon).toMatch(/^data:image\//);
    expect(await rawStatus('HEAD', `${assets}/graphiql.js`)).toBe(200);
  });

  it('keeps its options from ending the script element', () => {
    const html = renderGraphiqlPage({ title: '<b>&', defaultQuery: '</script><script>alert(1)</script><!--' });
    expect(html).toContain('<title>&#60;b&#62;&#38;</title>');
    expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u003c!--');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('serves nothing else under /graphiql/', async () => {
    // Dot segments are resolved by the server's URL parsing before routing; these show they end nowhere useful.
    for (const pathname of ['/graphiql/', `${assets}/`, '/graphiql/0.0.1/graphiql.js', `${assets}/page.js`, `${assets}/graphiql.css`, `${assets}/../../package.json`, `${assets}/%2e%2e/package.json`, `${assets}/graphiql.js/x`]) {
      expect(await rawStatus('GET', pathname), pathname).toBe(404);
    }
    expect(await rawStatus('POST', `${assets}/graphiql.js`)).toBe(404);
  });
});
