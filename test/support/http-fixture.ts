import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface FixtureServer {
  url: string;
  hits: string[];
  route(pathname: string, handler: Handler): void;
  /** Serves a local file at pathname (with Content-Length and Content-Type). */
  file(pathname: string, filePath: string, contentType?: string): void;
  close(): Promise<void>;
}

/** A local HTTP server the tests import from (allowed via OUTBOUND_ALLOW=127.0.0.1/32). */
export async function startFixtureServer(host = '127.0.0.1'): Promise<FixtureServer> {
  const routes = new Map<string, Handler>();
  const hits: string[] = [];
  const server = http.createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(pathname);
    const handler = routes.get(pathname);
    if (!handler) {
      res.writeHead(404).end('not found');
      return;
    }
    await handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    hits,
    route: (pathname, handler) => routes.set(pathname, handler),
    file(pathname, filePath, contentType = 'application/octet-stream') {
      routes.set(pathname, async (_req, res) => {
        const { size } = await stat(filePath);
        res.writeHead(200, { 'content-type': contentType, 'content-length': size });
        createReadStream(filePath).pipe(res);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
