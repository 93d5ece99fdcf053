// One download of a stored file's storage_url through the real service, measured from outside like an
// upload (support/measured-upload.ts): time, the server's CPU and peak RSS; the body is counted, not kept.
import http from 'node:http';
import { cpuSeconds } from './measured-upload.ts';
import { resetPeak, sampleRss } from './rss-sampler.ts';
import type { ServerProcess } from './server-process.ts';

export interface DownloadMeasurement {
  seconds: number;
  peakRss: number;
  /** NaN when the kernel would not reset VmHWM. */
  hwm: number;
  cpuUser: number;
  cpuSystem: number;
}

export async function measureDownload(server: ServerProcess, url: string, expectedBytes: number): Promise<DownloadMeasurement> {
  const peakReset = resetPeak(server.pid);
  const cpuBefore = cpuSeconds(server.pid);
  const sampling = sampleRss(server.pid);
  const started = process.hrtime.bigint();
  let received: { status: number; bytes: number };
  let memory;
  try {
    received = await new Promise((resolve, reject) => {
      http.get(url, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.once('error', reject);
        res.once('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      }).once('error', reject);
    });
  } finally {
    memory = sampling.stop();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = cpuSeconds(server.pid);
  if (received.status !== 200 || received.bytes !== expectedBytes) {
    throw new Error(`download answered ${received.status} with ${received.bytes} bytes, expected 200 and ${expectedBytes}`);
  }
  return {
    seconds,
    peakRss: memory.peakRssBytes,
    hwm: peakReset ? memory.hwmBytes : Number.NaN,
    cpuUser: cpuAfter.user - cpuBefore.user,
    cpuSystem: cpuAfter.system - cpuBefore.system,
  };
}
