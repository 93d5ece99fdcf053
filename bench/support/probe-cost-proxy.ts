// A pass-through HTTP proxy in front of the object store that records every request (method, Range
// header, status) and the response bytes the store sent through it. Host and every other header are
// forwarded unchanged, so a URL presigned for the proxy's address verifies at the store.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';

export interface ProxiedRequest {
  method: string;
  range: string;
  status: number;
  bytes: number;
}

export interface CountingProxy {
  url: string;
  /** The requests since the last take(), and forgets them. */
  take(): ProxiedRequest[];
  stop(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const entry: ProxiedRequest = { method: req.method ?? '?', range: req.headers.range ?? '(whole object)', status: 0, bytes: 0 };
    requests.push(entry);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(entry.status, answer.headers);
        // Counted as read from the store; backpressure from the client keeps this within a socket
        // buffer or so of what ffprobe actually received before it hung up.
        answer.on('data', (chunk: Buffer) => (entry.bytes += chunk.length));
        pipeline(answer, res).catch(() => undefined); // ffprobe closing a connection early is normal
      },
    );
    forward.once('error', () => res.destroy());
    res.once('close', () => forward.destroy());
    pipeline(req, forward).catch(() => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const taken = requests;
      requests = [];
      return taken;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
