import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  httpServer: Server;
}
// s3rver ships no types.
const S3rver = createRequire(import.meta.url)('s3rver') as new (opts: object) => S3rverServer;

export interface TestS3 {
  endpoint: string;
  /** With `tls`: the certificate the server presents (self-signed, for 127.0.0.1), for clients to trust. */
  ca?: string;
  /** Its path, for NODE_EXTRA_CA_CERTS. */
  caFile?: string;
  /** Calls listener with every request the server receives (method, URL, headers). */
  onRequest(listener: (req: IncomingMessage) => void): void;
  /** The server itself, for tests that watch its connections. */
  httpServer: Server;
  bucket: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

const TLS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tls');

/** A real S3-protocol server (s3rver) on a free loopback port, with one bucket; over HTTPS with `tls`. */
export async function startS3(bucket = 'media', opts: { tls?: boolean } = {}): Promise<TestS3> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'ffapi-s3-'));
  const tls = opts.tls
    ? { cert: await readFile(path.join(TLS_DIR, 'loopback-cert.pem'), 'utf8'), key: await readFile(path.join(TLS_DIR, 'loopback-key.pem'), 'utf8') }
    : undefined;
  const server = new S3rver({
    ...tls,
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    endpoint,
    ca: tls?.cert,
    caFile: tls ? path.join(TLS_DIR, 'loopback-cert.pem') : undefined,
    onRequest(listener) {
      server.httpServer.on('request', listener);
    },
    httpServer: server.httpServer,
    bucket,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
