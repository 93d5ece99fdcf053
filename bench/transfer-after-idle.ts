// An upload to a service that has been idle, as most servers mostly are: V8's memory reducer then
// shrinks the old generation's limit, and the body buffers an upload has in flight, which V8 counts
// against that limit, can set off a major GC every 100–200 ms. Compares the service as `npm start`
// runs it against the same with --heap-growing-percent=100, on fresh servers in alternating order:
// seconds, the server's CPU and peak RSS, and major GCs (from /metrics). With --storage=s3 the same
// against s3rver, whose uploads keep more objects alive in the service (the SDK's).
// `npm run bench -- upload-after-idle [--size=1024 --idle-seconds=25 --servers=3 --storage=local --dry-run]`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startS3 } from '../test/support/s3.ts';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { writeGeneratedFile } from './support/generated-upload.ts';
import { measureUpload, type UploadMeasurement } from './support/measured-upload.ts';
import { MIB } from './support/rss-sampler.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';
import { median } from './support/stats.ts';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1024' }, // MiB
    'idle-seconds': { type: 'string', default: '25' },
    servers: { type: 'string', default: '3' }, // fresh servers per configuration
    storage: { type: 'string', default: 'local' }, // local or s3
    'dry-run': { type: 'boolean', default: false },
  },
});
const size = Number(args.size) * MIB;
const idleMs = Number(args['idle-seconds']) * 1000;
const servers = Number(args.servers);
const storage = args.storage;
if (!(size > 0) || !(idleMs >= 0) || !(servers >= 1) || (storage !== 'local' && storage !== 's3')) {
  throw new Error('--size and --servers must be positive, --idle-seconds at least 0, --storage local or s3');
}

const CONFIGS = [
  { name: 'as `npm start` runs it', flags: [] },
  { name: 'with --heap-growing-percent=100', flags: ['--heap-growing-percent=100'] },
];

async function majorGcs(server: ServerProcess): Promise<number> {
  const res = await fetch(`${server.url}/metrics`);
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  // prom-client writes the line only once a major GC has happened.
  return Number(/^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)/m.exec(await res.text())?.[1] ?? 0);
}

interface Sample extends UploadMeasurement {
  majorGcs: number;
  when: 'after idle' | 'right after';
}

async function measure(server: ServerProcess, source: string, when: Sample['when']): Promise<Sample> {
  const before = await majorGcs(server);
  const upload = await measureUpload(server, source);
  return { ...upload, majorGcs: (await majorGcs(server)) - before, when };
}

const work = await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-idle-'));
const source = path.join(work, 'source.bin');
const samples = CONFIGS.map(() => [] as Sample[]);
const lines: string[] = [];
const database = await createBenchDatabase();
const s3 = storage === 's3' ? await startS3() : undefined;
try {
  await writeGeneratedFile(source, size);
  for (let i = 0; i < servers; i++) {
    // ABBA: neither configuration always runs first.
    for (const c of i % 2 ? [1, 0] : [0, 1]) {
      const config = CONFIGS[c]!;
      const server = await startServer({ databaseUrl: database.url, env: s3?.env, nodeFlags: config.flags });
      try {
        await new Promise((r) => setTimeout(r, idleMs));
        for (const when of ['after idle', 'right after'] as const) {
          const s = await measure(server, source, when);
          samples[c]!.push(s);
          lines.push(`${config.name}, server ${i + 1}, ${when}: ${s.seconds.toFixed(2)} s, ${s.majorGcs} major GCs, CPU ${s.cpuUser.toFixed(2)} user + ${s.cpuSystem.toFixed(2)} sys, peak RSS ${(Math.max(s.peakRss, s.hwm || 0) / MIB).toFixed(1)} MiB`);
          console.log(lines.at(-1));
        }
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  await s3?.stop();
  await database.drop();
  await rm(work, { recursive: true, force: true });
}

const rows = CONFIGS.flatMap((config, c) =>
  (['after idle', 'right after'] as const).map((when) => {
    const runs = samples[c]!.filter((s) => s.when === when);
    return [
      config.name,
      when,
      (size / MIB / median(runs.map((s) => s.seconds))).toFixed(0),
      median(runs.map((s) => s.majorGcs)).toFixed(0),
      median(runs.map((s) => s.cpuUser)).toFixed(2),
      median(runs.map((s) => s.cpuSystem)).toFixed(2),
      (Math.max(...runs.map((s) => Math.max(s.peakRss, s.hwm || 0))) / MIB).toFixed(1),
    ];
  }),
);
const section = [
  `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: upload-after-idle (${size / MIB} MiB to ${storage === 's3' ? 'S3 (s3rver)' : 'local disk'} after ${idleMs / 1000} s idle)`,
  '',
  ...machineLines(database.postgresVersion),
  '',
  `\`POST /api/v1/files/upload\` of a ${size / MIB} MiB file to a fresh ${storage === 's3' ? 'S3 (s3rver)' : 'local-storage'} service that sat idle for ${idleMs / 1000} s, then once more right ` +
    `after; ${servers} fresh servers per configuration, in ABBA order. Medians; major GCs from the service's /metrics ` +
    "(`nodejs_gc_duration_seconds_count{kind=\"major\"}`); CPU: the service process's seconds during the upload; peak RSS: the highest of the runs.",
  '',
  markdownTable(['Service', 'Upload', 'MiB/s', 'Major GCs', 'CPU user s', 'CPU sys s', 'Peak RSS MiB (highest)'], rows),
  '',
  '<details><summary>Every upload</summary>',
  '',
  ...lines.map((line, i) => `${i + 1}. ${line}`),
  '',
  '</details>',
].join('\n');
console.log(`\n${section}\n`);
if (!args['dry-run']) recordRun(section);
