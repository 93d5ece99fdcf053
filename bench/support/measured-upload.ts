// One upload through the real service, measured from outside: time, the server's RSS (sampled, and
// the kernel's VmHWM), and the server's CPU time; then checked (STORED, the right size) and deleted.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { uploadFile } from './generated-upload.ts';
import { MIB, readMemory, resetPeak, sampleRss } from './rss-sampler.ts';
import { api, type ServerProcess } from './server-process.ts';

export interface UploadMeasurement extends ServerSide {
  /** Request start to curl's exit. */
  seconds: number;
  /** The client's (curl's) CPU seconds. */
  clientCpu: number;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100; // USER_HZ on every Linux build we know of
  }
})();

function cpuSeconds(pid: number): { user: number; system: number } {
  // Fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
  return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
}

/** What the server did while work ran: its RSS (sampled, and VmHWM), its CPU time and the bench process's. */
export interface ServerSide {
  peakRss: number;
  /** NaN when the kernel would not reset VmHWM (it then counts from the server's start). */
  hwm: number;
  rssBefore: number;
  cpuUser: number;
  cpuSystem: number;
  benchCpu: number;
}

/** Runs work (one transfer) while measuring the server process from outside. */
export async function measuringServer<T>(server: ServerProcess, work: () => Promise<T>): Promise<{ result: T; server: ServerSide }> {
  const peakReset = resetPeak(server.pid);
  const rssBefore = readMemory(server.pid).rssBytes;
  const cpuBefore = cpuSeconds(server.pid);
  const benchBefore = process.cpuUsage();
  const sampling = sampleRss(server.pid);
  let result: T;
  let memory;
  try {
    result = await work();
  } finally {
    memory = sampling.stop();
  }
  const cpuAfter = cpuSeconds(server.pid);
  const bench = process.cpuUsage(benchBefore);
  return {
    result,
    server: {
      peakRss: memory.peakRssBytes,
      hwm: peakReset ? memory.hwmBytes : Number.NaN,
      rssBefore,
      cpuUser: cpuAfter.user - cpuBefore.user,
      cpuSystem: cpuAfter.system - cpuBefore.system,
      benchCpu: (bench.user + bench.system) / 1e6,
    },
  };
}

export async function measureUpload(server: ServerProcess, file: string): Promise<UploadMeasurement> {
  const { size } = await stat(file);
  const { result: upload, server: measured } = await measuringServer(server, () =>
    uploadFile(`${server.url}/api/v1/files/upload`, server.apiKey, file, `bench-${size / MIB}mib.bin`),
  );
  const fileId = (upload.body as { file_id?: unknown })?.file_id;
  if (upload.status !== 200 || typeof fileId !== 'string') {
    throw new Error(`upload answered ${upload.status}: ${JSON.stringify(upload.body).slice(0, 500)}`);
  }
  const stored = await waitUntilProcessed(server, fileId);
  const expected = Math.round((size / MIB) * 1000) / 1000;
  if (stored.status !== 'STORED' || stored.size_mbytes !== expected) {
    throw new Error(`file ${fileId}: ${stored.status}, size_mbytes ${stored.size_mbytes}, expected STORED and ${expected}`);
  }
  await api(server, `/api/v1/files/${fileId}`, { method: 'DELETE' }); // keeps the disk from filling up over the runs
  return { ...measured, seconds: upload.seconds, clientCpu: upload.clientCpu };
}

export async function waitUntilProcessed(
  server: ServerProcess,
  fileId: string,
): Promise<{ status: string; size_mbytes: number | null; storage_url: string | null }> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const file = await api<{ status: string; size_mbytes: number | null; storage_url: string | null }>(server, `/api/v1/files/${fileId}`);
    if (file.status !== 'PROCESSING') return file;
    if (Date.now() > deadline) throw new Error(`file ${fileId} still PROCESSING after 10 minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
