import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const require = createRequire(import.meta.url);
const assetsDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
// A Map, not an object literal: '/docs/constructor' must not find Object.prototype's members.
const ASSETS = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FFmpeg media API: REST reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });</script></body></html>`;

/** /docs renders /openapi.json with Swagger UI served from the npm package (no CDN needed). */
export async function serveDocs(pathname: string, res: ServerResponse): Promise<boolean> {
  if (pathname === '/docs' || pathname === '/docs/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    return true;
  }
  const asset = pathname.startsWith('/docs/') ? pathname.slice('/docs/'.length) : '';
  const type = ASSETS.get(asset);
  if (!type) return false;
  const body = await readFile(path.join(assetsDir, asset));
  res.writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=86400' }).end(body);
  return true;
}
