// Requirement: "a 1 GiB file through POST /api/v1/files/upload to local storage and to S3, against a
// plain copy of the same file on the same disk: throughput ratio; the server's peak RSS (must not grow
// with size)". Uploads a generated file through the real service (its own process), sampling its RSS
// and CPU, and times `cp` and `dd` of the same file and the reference servers (support/upload-references.ts)
// in the same rounds (support/upload-rounds.ts), so that every ratio compares measurements taken
// seconds apart. `npm run bench -- upload-rss [--sizes=256,1024 --storage=local,s3,s3-tls --passes=1 --dry-run]`.
// s3-tls: s3rver over HTTPS (a self-signed certificate the service trusts through NODE_EXTRA_CA_CERTS),
// where the service sends parts as UNSIGNED-PAYLOAD instead of hashing them.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startS3 } from '../test/support/s3.ts';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { writeGeneratedFile } from './support/generated-upload.ts';
import { MIB } from './support/rss-sampler.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';
import { median } from './support/stats.ts';
import { measureRounds, roundLine, type RoundRecord, type Step } from './support/upload-rounds.ts';

const LIMIT_BYTES = 200e6;
const BENCH_MAX_FILE_BYTES = 8 * 1024 ** 3; // startServer's MAX_FILE_BYTES: the same S3 part size
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '256,1024' }, // MiB
    passes: { type: 'string', default: '1' }, // times through the balanced orders: 10 rounds local, 6 S3
    storage: { type: 'string', default: 'local,s3' },
    'dry-run': { type: 'boolean', default: false }, // do not write BENCHMARKS.md
    'server-flags': { type: 'string', default: '' }, // e.g. --heap-prof, to investigate memory
  },
});
const sizes = args.sizes.split(',').map((s) => Number(s) * MIB);
const passes = Number(args.passes);
type Storage = 'local' | 's3' | 's3-tls';
const storages = args.storage.split(',') as Storage[];
const STORAGE_LABELS: Record<Storage, string> = { local: 'local', s3: 'S3 (s3rver)', 's3-tls': 'S3 over HTTPS (s3rver)' };
if (!(passes >= 1) || sizes.some((size) => !(size > 0)) || storages.some((s) => !Object.hasOwn(STORAGE_LABELS, s))) {
  throw new Error('--passes must be at least 1, --sizes positive MiB, --storage local, s3 and/or s3-tls');
}

function summaryRow(size: number, storage: Storage, rounds: RoundRecord[]): { row: string[]; peak: number } {
  const mibps = (s: number) => (size / MIB / s).toFixed(0);
  const seconds = (step: Step) => rounds.map((r) => r.seconds[step]!);
  // Ratios are taken within each round, then their median: rounds differ more than steps within one.
  // step's throughput ÷ base's throughput, per round
  const perRound = (step: Step, base: Step) => rounds.map((r) => r.seconds[base]! / r.seconds[step]!);
  const vsCp = (step: Step) => `${mibps(median(seconds(step)))} (${median(perRound(step, 'cp')).toFixed(2)} × cp)`;
  const uploadVsCp = perRound('upload', 'cp');
  const uploads = rounds.map((r) => r.upload);
  const mib = (values: number[]) => (median(values.filter(Number.isFinite)) / MIB).toFixed(1);
  const peak = Math.max(median(uploads.map((u) => u.peakRss)), median(uploads.map((u) => u.hwm).filter(Number.isFinite)) || 0);
  const row = [
    `${size / MIB} MiB`,
    STORAGE_LABELS[storage],
    mibps(median(seconds('upload'))),
    mibps(median(seconds('cp'))),
    `**${median(uploadVsCp).toFixed(2)}** (${Math.min(...uploadVsCp).toFixed(2)}–${Math.max(...uploadVsCp).toFixed(2)})`,
    storage !== 'local' ? '—' : vsCp('dd'),
    vsCp('reference'),
    median(perRound('upload', 'reference')).toFixed(2),
    storage !== 'local' ? '—' : vsCp('raw'),
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
const details: string[] = [];
let postgresVersion = '';
let over = false;
try {
  for (const storage of storages) {
    const database = await createBenchDatabase();
    postgresVersion = database.postgresVersion;
    const s3 = storage === 'local' ? undefined : await startS3('media', { tls: storage === 's3-tls' });
    const env = { ...s3?.env };
    if (s3?.caFile) {
      env.NODE_EXTRA_CA_CERTS = s3.caFile;
      // The reference put runs in this process, which cannot take NODE_EXTRA_CA_CERTS after start
      // (startServer keeps this variable from the service).
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    }
    let server: ServerProcess | undefined;
    try {
      server = await startServer({ databaseUrl: database.url, env, nodeFlags: args['server-flags'].split(' ').filter(Boolean) });
      for (const size of sizes) {
        const source = path.join(work, `source-${size / MIB}mib.bin`);
        await writeGeneratedFile(source, size);
        const rounds = await measureRounds({ server, source, s3, maxFileBytes: BENCH_MAX_FILE_BYTES, passes });
        await rm(source);
        const { row, peak } = summaryRow(size, storage, rounds);
        details.push(`${size / MIB} MiB, ${STORAGE_LABELS[storage]}:`, '', ...rounds.map((r, i) => `${i + 1}. ${roundLine(r)}`), '');
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
  ['Size', 'Storage', 'Upload MiB/s', 'cp MiB/s', 'Upload ÷ cp (range)', 'dd MiB/s', 'Reference MiB/s', 'Upload ÷ reference', 'Raw write MiB/s', 'Server CPU s, user + sys', 'Peak RSS (50 ms samples) MiB', 'VmHWM MiB', 'RSS before MiB', 'Added by upload MiB', '≤ 200 MB'],
  rows,
);
const section = [
  `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: upload-rss (upload throughput against cp, server RSS)`,
  '',
  ...machineLines(postgresVersion),
  '',
  '`POST /api/v1/files/upload` of a generated file on disk (a repeated 1 MiB random block), sent by curl (`curl -F file=@…`, as users send it; ' +
    'timed from start to curl\'s exit), to the service started as its own process exactly as `npm start` runs it (bundled, no TypeScript loader). ' +
    `Each round times, seconds apart and with \`sync\` before each: \`cp\` of the same file on the same disk, \`dd bs=1M\` of it (local), the reference, ` +
    'the raw write (local) and the upload, in the orders of a balanced Latin square (each step follows every other step equally often: 10 rounds ' +
    `local, 6 S3${passes > 1 ? `, ${passes} passes` : ''}). Figures are medians over the rounds; ratios are taken within each round, then their median (range: lowest and highest round). ` +
    'cp copies inside the kernel (copy_file_range); dd copies through one reused 1 MiB user-space buffer. Reference: for local, the same client and file ' +
    'into an HTTP server (its own process) that only drains the body; raw write: the same server writing the raw body (boundaries and all, no parsing) ' +
    "to a file in the service's DATA_DIR with writev; for S3, the service's own S3 driver putting the same file straight into the same s3rver, both in " +
    'the bench process (so not an upper bound: the service runs in a process of its own). Server CPU: the service process\'s user and system seconds during ' +
    'the upload (all threads); client CPU (per round, below): curl\'s; bench process CPU: for S3, s3rver\'s. RSS: VmRSS sampled every 50 ms, ' +
    'VmHWM reset before each upload; added by upload: peak minus RSS before. Every upload checked (200, file_id, STORED, size_mbytes).' +
    (storages.includes('s3-tls')
      ? ' S3 over HTTPS: the same s3rver with a self-signed certificate, which the service trusts through NODE_EXTRA_CA_CERTS; there the service ' +
        'sends parts as UNSIGNED-PAYLOAD, over plain HTTP it hashes them for the signature.'
      : '') +
    `${args['server-flags'] ? ` Server flags: \`${args['server-flags']}\`.` : ''}`,
  '',
  table,
  '',
  '<details><summary>Every round: seconds per step in the order run; the upload\'s CPU and peak RSS</summary>',
  '',
  ...details,
  '</details>',
].join('\n');
console.log(`\n${section}\n`);
if (!args['dry-run']) recordRun(section);
if (over) console.log('A median peak RSS is over 200 MB.');
