import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { notFound } from '../platform/errors.ts';

/**
 * GraphiQL served from this service, not from a CDN (yoga's default page loads its scripts from
 * unpkg.com): a third-party script on this origin could read the API key that GraphiQL keeps in the
 * browser's storage, and a CDN may be out of reach where the service runs. A Content-Security-Policy
 * on the page holds it to that.
 *
 * The assets come from @graphql-yoga/render-graphiql, whose `graphiql` module exports them as strings
 * (the bundle, its CSS, the Monaco workers, the icon). The browser imports that module as it is and
 * turns the strings into a style, a script and workers; the server only streams the file, so the
 * 9 MB never sit in its memory. The module's path carries the package's version and the page script's
 * a hash of its text, so a browser never pairs a new page with an old script from its cache.
 */
const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('@graphql-yoga/render-graphiql/package.json'));
const version = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
const ASSET_DIR = `/graphiql/${version}/`;
const assetModule = path.join(packageDir, 'esm', 'graphiql.js');

/** Runs in the browser: reads the page's options, builds GraphiQL from the asset module, says so when it cannot. */
const PAGE_SCRIPT = `const root = document.querySelector('#root');
const fail = (reason) => { root.textContent = 'GraphiQL could not load: ' + reason; };
try {
  const options = JSON.parse(document.querySelector('#graphiql-options').textContent);
  const { js, css, favicon, editorWorkerService, jsonWorker, graphqlWorker } = await import('./graphiql.js');
  const blobUrl = (text) => URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
  const workers = { editorWorkerService: blobUrl(editorWorkerService), json: blobUrl(jsonWorker), graphql: blobUrl(graphqlWorker) };
  self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService };
  const style = document.createElement('style');
  style.textContent = css;
  document.head.append(style);
  document.querySelector('link[rel=icon]').href = favicon;
  const script = Object.assign(document.createElement('script'), { src: blobUrl(js) });
  script.onload = () => YogaGraphiQL.renderYogaGraphiQL(root, options);
  script.onerror = () => fail('its script did not run');
  document.body.append(script);
} catch (err) {
  fail(err);
}
`;

const PAGE_SCRIPT_NAME = `page-${createHash('sha256').update(PAGE_SCRIPT).digest('hex').slice(0, 12)}.js`;

const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self' blob:",
  'worker-src blob:',
  // GraphiQL and its editor set styles from script.
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON that can sit inside a <script> element: no `</script>` or `<!--` can end or confuse it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderGraphiqlPage(opts: GraphiQLOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(opts.title ?? 'GraphiQL')}</title>
<link rel="icon" href="data:,"></head>
<body id="body" class="no-focus-outline">
<noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root">Loading GraphiQL…</div>
<script type="application/json" id="graphiql-options">${scriptJson(opts)}</script>
<script type="module" src="${ASSET_DIR}${PAGE_SCRIPT_NAME}"></script>
</body></html>`;
}

/** Puts the page's Content-Security-Policy on yoga's HTML answers (GraphiQL; GraphQL answers are JSON). */
export const useGraphiqlPolicy = (): Plugin => ({
  onResponse({ response }) {
    if (!response.headers.get('content-type')?.startsWith('text/html')) return;
    response.headers.set('content-security-policy', PAGE_POLICY);
    response.headers.set('x-content-type-options', 'nosniff');
    response.headers.set('referrer-policy', 'no-referrer');
  },
});

/** GET or HEAD of /graphiql/<version>/page-<hash>.js or graphiql.js; anything else under /graphiql/ is 404. */
export async function serveGraphiqlAsset(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const name = pathname.startsWith(ASSET_DIR) ? pathname.slice(ASSET_DIR.length) : '';
  if ((req.method !== 'GET' && req.method !== 'HEAD') || (name !== PAGE_SCRIPT_NAME && name !== 'graphiql.js')) throw notFound('GraphiQL asset');
  const headers = {
    'content-type': 'text/javascript; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=31536000, immutable',
  };
  if (name === PAGE_SCRIPT_NAME) {
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(PAGE_SCRIPT) }).end(req.method === 'HEAD' ? undefined : PAGE_SCRIPT);
    return;
  }
  // Opened before answering, so that a missing file is an error answer, not a broken 200.
  const file = await open(assetModule);
  try {
    const { size } = await file.stat();
    res.writeHead(200, { ...headers, 'content-length': size });
    if (req.method === 'HEAD') res.end();
    else await pipeline(file.createReadStream({ autoClose: false }), res).catch(() => undefined); // a client that hangs up early is not an error
  } finally {
    await file.close();
  }
}
