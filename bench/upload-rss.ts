// Requirement: "a 1 GiB file through POST /api/v1/files/upload to local storage and to S3, against a
// plain copy of the same file on the same disk: throughput ratio; the server's peak RSS (must not grow
// with size)". Uploads a generated file through the real service (its own process), sampling its RSS,
// and times `cp` of the same file and the ceilings the machine sets (support/upload-ceiling.ts) in
// the same rounds, so that every ratio compares measurements taken seconds apart.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify, parseArgs } from 'node:util';
import { startS3 } from '../test/support/s3.ts';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { writeGeneratedFile } from './support/generated-upload.ts';
import { measureUpload, type UploadMeasurement } from './support/measured-upload.ts';
import { MIB } from './support/rss-sampler.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';
import { median } from './support/stats.ts';
import { directS3PutSeconds, drainedUploadSeconds, writtenUploadSeconds } from './support/upload-ceiling.ts';

const LIMIT_BYTES = 200e6;
const BENCH_MAX_FILE_BYTES = 8 * 1024 ** 3; // startServer's MAX_FILE_BYTES: the same S3 part size
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '256,1024' }, // MiB
    runs: { type: 'string', default: '5' },
    storage: { type: 'string', default: 'local,s3' },
    'dry-run': { type: 'boolean', default: false }, // do not write BENCHMARKS.md
    'server-flags': { type: 'string', default: '' }, // e.g. --heap-prof, to investigate memory
  },
});
const sizes = args.sizes.split(',').map((s) => Number(s) * MIB);
const runs = Number(args.runs);
const storages = args.storage.split(',') as ('local' | 's3')[];
const run = promisify(execFile);

/**
 * Writes dirty pages back before each timed step: without it every step starts with the previous
 * steps' gigabytes still being written back, and the kernel throttles the next writer.
 */
const syncDisks = () => run('sync');

/** cp copies inside the kernel (copy_file_range); dd with 1 MiB blocks copies through one reused user-space buffer. */
async function copySeconds(tool: 'cp' | 'dd', source: string): Promise<number> {
  const target = `${source}.copy`;
  const started = process.hrtime.bigint();
  await run(tool, tool === 'cp' ? [source, target] : [`if=${source}`, `of=${target}`, 'bs=1M', 'status=none']);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await rm(target);
  return seconds;
}

type Step = 'cp' | 'dd' | 'ceiling' | 'raw' | 'upload';

interface Rounds {
  seconds: Record<Exclude<Step, 'upload'>, number[]>;
  uploads: UploadMeasurement[];
}

/**
 * Runs every step once per round, in one order in odd rounds and the reverse in even ones: on this
 * kind of VM what runs just before a step can change its speed by half (see BENCHMARKS.md), and
 * reversing spreads that over all steps alike.
 */
async function measureRounds(server: ServerProcess, source: string, s3: Awaited<ReturnType<typeof startS3>> | undefined): Promise<Rounds> {
  const steps: Step[] = s3 ? ['cp', 'ceiling', 'upload'] : ['cp', 'dd', 'ceiling', 'raw', 'upload'];
  const rounds: Rounds = { seconds: { cp: [], dd: [], ceiling: [], raw: [] }, uploads: [] };
  for (let i = 1; i <= runs; i++) {
    for (const step of i % 2 ? steps : [...steps].reverse()) {
      await syncDisks();
      if (step === 'upload') rounds.uploads.push(await measureUpload(server, source));
      else if (step === 'cp' || step === 'dd') rounds.seconds[step].push(await copySeconds(step, source));
      else if (step === 'raw') rounds.seconds.raw.push(await writtenUploadSeconds(source, server.dataDir));
      else rounds.seconds.ceiling.push(s3 ? await directS3PutSeconds(s3, source, BENCH_MAX_FILE_BYTES) : await drainedUploadSeconds(source));
    }
    const u = rounds.uploads.at(-1)!;
    const times = Object.entries(rounds.seconds).map(([step, s]) => (s.length ? ` ${step} ${s.at(-1)!.toFixed(2)} s,` : ''));
    console.log(
      `${s3 ? 's3' : 'local'} round ${i}:${times.join('')} upload ${u.seconds.toFixed(2)} s (CPU ${u.cpuUser.toFixed(2)} user + ` +
        `${u.cpuSystem.toFixed(2)} sys), peak RSS ${(u.peakRss / MIB).toFixed(1)} MiB, VmHWM ${(u.hwm / MIB).toFixed(1)} MiB`,
    );
  }
  return rounds;
}

function summaryRow(size: number, storage: 'local' | 's3', rounds: Rounds): { row: string[]; peak: number } {
  const { seconds, uploads } = rounds;
  const mibps = (s: number) => (size / MIB / s).toFixed(0);
  // Ratios are taken within each round, then their median: rounds differ more than steps within one.
  const ratio = (a: number[], b: number[]) => a.map((x, i) => x / b[i]!);
  const uploadSeconds = uploads.map((u) => u.seconds);
  const uploadVsCp = ratio(seconds.cp, uploadSeconds);
  const mib = (values: number[]) => (median(values) / MIB).toFixed(1);
  const peak = Math.max(median(uploads.map((u) => u.peakRss)), median(uploads.map((u) => u.hwm)) || 0);
  const row = [
    `${size / MIB} MiB`,
    storage === 's3' ? 'S3 (s3rver)' : 'local',
    mibps(median(uploadSeconds)),
    mibps(median(seconds.cp)),
    storage === 's3' ? '—' : `${mibps(median(seconds.dd))} (${median(ratio(seconds.cp, seconds.dd)).toFixed(2)} × cp)`,
    `**${median(uploadVsCp).toFixed(2)}** (${Math.min(...uploadVsCp).toFixed(2)}–${Math.max(...uploadVsCp).toFixed(2)})`,
    `${mibps(median(seconds.ceiling))} (${median(ratio(seconds.cp, seconds.ceiling)).toFixed(2)} × cp)`,
    median(ratio(seconds.ceiling, uploadSeconds)).toFixed(2),
    storage === 's3' ? '—' : `${mibps(median(seconds.raw))} (${median(ratio(seconds.cp, seconds.raw)).toFixed(2)} × cp)`,
    `${median(uploads.map((u) => u.cpuUser)).toFixed(2)} + ${median(uploads.map((u) => u.cpuSystem)).toFixed(2)}`,
    mib(uploads.map((u) => u.peakRss)),
    mib(uploads.map((u) => u.hwm)),
    mib(uploads.map((u) => u.rssBefore)),
    mib(uploads.map((u) => Math.max(u.peakRss, u.hwm || 0) - u.rssBefore)),
    peak <= LIMIT_BYTES ? 'yes' : '**no**',
  ];
  return { row, peak };
}

const work = await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-upload-')); // the disk DATA_DIR is on
const rows: string[][] = [];
let postgresVersion = '';
let over = false;
try {
  for (const storage of storages) {
    const database = await createBenchDatabase();
    postgresVersion = database.postgresVersion;
    const s3 = storage === 's3' ? await startS3() : undefined;
    let server: ServerProcess | undefined;
    try {
      server = await startServer({ databaseUrl: database.url, env: s3?.env, nodeFlags: args['server-flags'].split(' ').filter(Boolean) });
      for (const size of sizes) {
        const source = path.join(work, `source-${size / MIB}mib.bin`);
        await writeGeneratedFile(source, size);
        const { row, peak } = summaryRow(size, storage, await measureRounds(server, source, s3));
        await rm(source);
        if (peak > LIMIT_BYTES) over = true; // the limit holds at any size, not only at 1 GiB
        rows.push(row);
      }
    } finally {
      await server?.stop();
      await s3?.stop();
      await database.drop();
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const table = markdownTable(
  ['Size', 'Storage', 'Upload MiB/s', 'cp MiB/s', 'dd MiB/s', 'Upload ÷ cp (range)', 'Ceiling MiB/s', 'Upload ÷ ceiling', 'Raw write MiB/s', 'Server CPU s, user + sys', 'Peak RSS (50 ms samples) MiB', 'VmHWM MiB', 'RSS before MiB', 'Added by upload MiB', '≤ 200 MB'],
  rows,
);
const section = [
  `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: upload-rss (upload throughput against cp, server RSS)`,
  '',
  ...machineLines(postgresVersion),
  '',
  `\`POST /api/v1/files/upload\` of a generated file on disk (a repeated 1 MiB random block), streamed from disk by the client as \`curl -F file=@…\` does, ` +
    `to the service started as its own process exactly as \`npm start\` runs it (bundled, no TypeScript loader). ${runs} rounds per case; each round times, ` +
    `seconds apart and with \`sync\` before each: \`cp\` of the same file on the same disk, \`dd bs=1M\` of it (local), the ceiling, the raw write (local) and the upload, in that order ` +
    'in odd rounds and reversed in even ones. Figures are medians over the rounds; ratios are taken within each round, then their median ' +
    '(range: lowest and highest round). cp copies inside the kernel (copy_file_range); dd copies through one reused 1 MiB user-space buffer, ' +
    'about the least work a program that receives the bytes in user space must do. Ceiling: for local, the same client and file into an HTTP server (its own process) that only drains the body; ' +
    "raw write: the same server writing the raw body (boundaries and all, no parsing) to a file in the service's DATA_DIR with writev; " +
    "for S3, the service's own S3 driver putting the same file straight into the same s3rver (which runs inside the bench process). " +
    "Server CPU: the service process's user and system seconds during the upload (all threads). RSS: VmRSS sampled every 50 ms, VmHWM reset before each upload; " +
    `added by upload: peak minus RSS before. Every upload checked (200, file_id, STORED, size_mbytes).` +
    `${args['server-flags'] ? ` Server flags: \`${args['server-flags']}\`.` : ''}`,
  '',
  table,
].join('\n');
console.log(`\n${section}\n`);
if (!args['dry-run']) recordRun(section);
if (over) console.log('A median peak RSS is over 200 MB.');
