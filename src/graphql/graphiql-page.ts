import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL served from this service, not from a CDN (yoga's default page loads its scripts from
 * unpkg.com): a third-party script on this origin could read the API key that GraphiQL keeps in the
 * browser's storage, and a CDN may be out of reach where the service runs.
 *
 * The assets come from @graphql-yoga/render-graphiql, whose `graphiql` module exports them as strings
 * (the bundle, its CSS, the Monaco workers, the icon). The browser imports that module as it is and
 * turns the strings into a style, a script and workers; the server only streams the file, so the
 * 9 MB never sit in its memory.
 */
const ASSET_PATH = '/graphiql/graphiql.js';
const require = createRequire(import.meta.url);
const assetFile = path.join(path.dirname(require.resolve('@graphql-yoga/render-graphiql/package.json')), 'esm', 'graphiql.js');

/** JSON that can sit inside a <script> element: no `</script>` or `<!--` can end or confuse it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderGraphiqlPage(opts: GraphiQLOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(opts.title ?? 'GraphiQL')}</title></head>
<body id="body" class="no-focus-outline">
<noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root">Loading GraphiQL…</div>
<script type="module">
import { js, css, favicon, editorWorkerService, jsonWorker, graphqlWorker } from '${ASSET_PATH}';
const blobUrl = (text) => URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
const workers = { editorWorkerService: blobUrl(editorWorkerService), json: blobUrl(jsonWorker), graphql: blobUrl(graphqlWorker) };
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService };
const style = document.createElement('style');
style.textContent = css;
const icon = Object.assign(document.createElement('link'), { rel: 'icon', href: favicon });
document.head.append(style, icon);
const script = Object.assign(document.createElement('script'), { src: blobUrl(js) });
script.onload = () => YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(opts)});
document.body.append(script);
</script>
</body></html>`;
}

/** Serves GraphiQL's asset module; false for any other path. */
export async function serveGraphiqlAsset(pathname: string, res: ServerResponse): Promise<boolean> {
  if (pathname !== ASSET_PATH) return false;
  // Opened before answering, so that a missing file is an error answer, not a broken 200.
  const { size } = await stat(assetFile);
  const body = createReadStream(assetFile);
  await once(body, 'ready');
  res.writeHead(200, {
    'content-type': 'text/javascript; charset=utf-8',
    'content-length': size,
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=86400',
  });
  await pipeline(body, res).catch(() => undefined); // a client that hangs up early is not an error
  return true;
}
