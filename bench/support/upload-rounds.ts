// The rounds of bench/upload-rss: in each, cp and dd of the same file, the reference servers and the
// real upload, timed seconds apart with `sync` before each. On this kind of VM what ran just before a
// step changes its speed by up to half (see BENCHMARKS.md), so the orders form a balanced Latin
// square (Williams design): within the rounds of one pass, every step follows every other step
// equally often, and no step gains from always following the same one. (The first step of a round
// follows the last of the round before; those pairs are not balanced.)
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TestS3 } from '../../test/support/s3.ts';
import { measureUpload, type UploadMeasurement } from './measured-upload.ts';
import { MIB } from './rss-sampler.ts';
import type { ServerProcess } from './server-process.ts';
import { directS3PutSeconds, drainedUploadSeconds, writtenUploadSeconds } from './upload-references.ts';

export type Step = 'cp' | 'dd' | 'reference' | 'raw' | 'upload';

export interface RoundRecord {
  order: Step[];
  seconds: Partial<Record<Step, number>>;
  upload: UploadMeasurement;
}

const run = promisify(execFile);

/** Williams design: k orders (k even) or 2k (k odd) in which each ordered pair of neighbours occurs equally often. */
export function balancedOrders<T>(steps: T[]): T[][] {
  const k = steps.length;
  const first = [0];
  for (let lo = 1, hi = k - 1; first.length < k; ) first.push(first.length % 2 ? lo++ : hi--);
  const rows = steps.map((_, shift) => first.map((i) => steps[(i + shift) % k]!));
  return k % 2 ? [...rows, ...rows.map((row) => [...row].reverse())] : rows;
}

/** cp copies inside the kernel (copy_file_range); dd with 1 MiB blocks copies through one reused user-space buffer. */
async function copySeconds(tool: 'cp' | 'dd', source: string): Promise<number> {
  const target = `${source}.copy`;
  const started = process.hrtime.bigint();
  await run(tool, tool === 'cp' ? [source, target] : [`if=${source}`, `of=${target}`, 'bs=1M', 'status=none']);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await rm(target);
  return seconds;
}

export interface RoundsOptions {
  server: ServerProcess;
  source: string;
  s3: TestS3 | undefined;
  maxFileBytes: number;
  passes: number;
}

export async function measureRounds(opts: RoundsOptions): Promise<RoundRecord[]> {
  const { server, source, s3 } = opts;
  const orders = balancedOrders<Step>(s3 ? ['cp', 'reference', 'upload'] : ['cp', 'dd', 'reference', 'raw', 'upload']);
  const records: RoundRecord[] = [];
  for (let pass = 0; pass < opts.passes; pass++) {
    for (const order of orders) {
      const record = { order, seconds: {} } as RoundRecord;
      for (const step of order) {
        await run('sync'); // so no step starts while the last one's bytes are still written back
        if (step === 'upload') record.upload = await measureUpload(server, source);
        else if (step === 'cp' || step === 'dd') record.seconds[step] = await copySeconds(step, source);
        else if (step === 'raw') record.seconds.raw = await writtenUploadSeconds(source, server.dataDir);
        else record.seconds.reference = s3 ? await directS3PutSeconds(s3, source, opts.maxFileBytes) : await drainedUploadSeconds(source);
      }
      record.seconds.upload = record.upload.seconds;
      records.push(record);
      console.log(`${s3 ? 's3' : 'local'} round ${records.length}: ${roundLine(record)}`);
    }
  }
  return records;
}

/** One round as text: each step's seconds in the order run, then the upload's server CPU and memory. */
export function roundLine(record: RoundRecord): string {
  const u = record.upload;
  return (
    `${record.order.map((step) => `${step} ${record.seconds[step]!.toFixed(2)} s`).join(', ')}; upload server CPU ` +
    `${u.cpuUser.toFixed(2)} user + ${u.cpuSystem.toFixed(2)} sys, client (curl) CPU ${u.clientCpu.toFixed(2)}, bench process CPU ${u.benchCpu.toFixed(2)}, peak RSS ${(u.peakRss / MIB).toFixed(1)} MiB`
  );
}
