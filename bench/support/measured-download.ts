// One download of a stored file's storage_url through the real service, measured from outside like an
// upload (support/measured-upload.ts): time, the server's CPU and peak RSS; the body is counted, not kept.
import http from 'node:http';
import { measuringServer, type ServerSide } from './measured-upload.ts';
import type { ServerProcess } from './server-process.ts';

export interface DownloadMeasurement extends ServerSide {
  seconds: number;
}

export async function measureDownload(server: ServerProcess, url: string, expectedBytes: number): Promise<DownloadMeasurement> {
  const started = process.hrtime.bigint();
  const { result: received, server: measured } = await measuringServer(
    server,
    () =>
      new Promise<{ status: number; bytes: number }>((resolve, reject) => {
        http.get(url, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.once('error', reject);
          res.once('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        }).once('error', reject);
      }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (received.status !== 200 || received.bytes !== expectedBytes) {
    throw new Error(`download answered ${received.status} with ${received.bytes} bytes, expected 200 and ${expectedBytes}`);
  }
  return { ...measured, seconds };
}
