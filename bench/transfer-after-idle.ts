// Uploads and downloads on a service that has been idle, as most servers mostly are. Node hands every
// chunk over in a new buffer outside V8's heap, and V8 counts those allocated since its last full GC
// against the old generation's limit; after idle that limit sits close to the live heap, so a transfer
// that outruns the scavenges sets off a major GC every 100–200 ms. The service asks for a scavenge every
// STREAM_SCAVENGE_MIB of a stream (src/platform/scavenge-pacer.ts). Compares it as `npm start` runs it
// against the same with STREAM_SCAVENGE_MIB=0, on fresh servers in alternating order: seconds, major GCs
// (from /metrics), the server's CPU and peak RSS. Downloads are of storage_url (local storage only: on
// S3 the service answers with a redirect). `npm run bench -- transfer-after-idle [--size=1024
// --idle-seconds=25 --servers=3 --storage=local --dry-run]`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startS3 } from '../test/support/s3.ts';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { uploadFile, writeGeneratedFile } from './support/generated-upload.ts';
import { measureDownload } from './support/measured-download.ts';
import { measureUpload, waitUntilProcessed } from './support/measured-upload.ts';
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

const CONFIGS: { name: string; env: Record<string, string> }[] = [
  { name: 'as `npm start` runs it', env: {} },
  { name: 'STREAM_SCAVENGE_MIB=0', env: { STREAM_SCAVENGE_MIB: '0' } },
];
const KINDS = storage === 'local' ? (['upload', 'download'] as const) : (['upload'] as const);
const WHEN = ['after idle', 'right after'] as const;

interface Sample {
  kind: (typeof KINDS)[number];
  when: (typeof WHEN)[number];
  seconds: number;
  majorGcs: number;
  cpuUser: number;
  cpuSystem: number;
  peak: number;
}

async function majorGcs(server: ServerProcess): Promise<number> {
  const res = await fetch(`${server.url}/metrics`);
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  // prom-client writes the line only once a major GC has happened.
  return Number(/^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)/m.exec(await res.text())?.[1] ?? 0);
}

/** Stores source (unmeasured) and answers its storage_url, for the downloads. */
async function storedUrl(server: ServerProcess, source: string): Promise<string> {
  const upload = await uploadFile(`${server.url}/api/v1/files/upload`, server.apiKey, source, 'download.bin');
  const fileId = (upload.body as { file_id?: string }).file_id;
  if (upload.status !== 200 || !fileId) throw new Error(`the upload for downloads answered ${upload.status}`);
  const file = await waitUntilProcessed(server, fileId);
  if (file.status !== 'STORED' || !file.storage_url) throw new Error(`file ${fileId} ended ${file.status}`);
  return file.storage_url;
}

async function measure(server: ServerProcess, kind: Sample['kind'], when: Sample['when'], source: string, url: string): Promise<Sample> {
  const before = await majorGcs(server);
  const m = kind === 'upload' ? await measureUpload(server, source) : await measureDownload(server, url, size);
  const peak = Math.max(m.peakRss, m.hwm || 0);
  return { kind, when, seconds: m.seconds, majorGcs: (await majorGcs(server)) - before, cpuUser: m.cpuUser, cpuSystem: m.cpuSystem, peak };
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
      const server = await startServer({ databaseUrl: database.url, env: { ...s3?.env, ...config.env } });
      try {
        const url = storage === 'local' ? await storedUrl(server, source) : '';
        for (const kind of KINDS) {
          await new Promise((r) => setTimeout(r, idleMs));
          for (const when of WHEN) {
            const s = await measure(server, kind, when, source, url);
            samples[c]!.push(s);
            lines.push(
              `${config.name}, server ${i + 1}, ${kind} ${when}: ${s.seconds.toFixed(2)} s, ${s.majorGcs} major GCs, ` +
                `CPU ${s.cpuUser.toFixed(2)} user + ${s.cpuSystem.toFixed(2)} sys, peak RSS ${(s.peak / MIB).toFixed(1)} MiB`,
            );
            console.log(lines.at(-1));
          }
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

const rows = KINDS.flatMap((kind) =>
  WHEN.flatMap((when) =>
    CONFIGS.map((config, c) => {
      const runs = samples[c]!.filter((s) => s.kind === kind && s.when === when);
      return [
        `${kind} ${when}`,
        config.name,
        (size / MIB / median(runs.map((s) => s.seconds))).toFixed(0),
        median(runs.map((s) => s.majorGcs)).toFixed(0),
        median(runs.map((s) => s.cpuUser)).toFixed(2),
        median(runs.map((s) => s.cpuSystem)).toFixed(2),
        (Math.max(...runs.map((s) => s.peak)) / MIB).toFixed(1),
      ];
    }),
  ),
);
const section = [
  `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: transfer-after-idle (${size / MIB} MiB, ${storage === 's3' ? 'S3 (s3rver)' : 'local disk'}, after ${idleMs / 1000} s idle)`,
  '',
  ...machineLines(database.postgresVersion),
  '',
  `\`POST /api/v1/files/upload\` of a ${size / MIB} MiB file to a fresh ${storage === 's3' ? 'S3 (s3rver)' : 'local-storage'} service that sat idle for ${idleMs / 1000} s, then once more right after` +
    `${storage === 'local' ? `; then, after another ${idleMs / 1000} s idle, two downloads of a stored file of the same size from its storage_url (a Node client that counts the bytes)` : ''}. ` +
    `${servers} fresh servers per configuration, in ABBA order. Medians; major GCs from the service's /metrics ` +
    "(`nodejs_gc_duration_seconds_count{kind=\"major\"}`); CPU: the service process's seconds during the transfer; peak RSS: the highest of the runs.",
  '',
  markdownTable(['Transfer', 'Service', 'MiB/s', 'Major GCs', 'CPU user s', 'CPU sys s', 'Peak RSS MiB (highest)'], rows),
  '',
  '<details><summary>Every transfer</summary>',
  '',
  ...lines.map((line, i) => `${i + 1}. ${line}`),
  '',
  '</details>',
].join('\n');
console.log(`\n${section}\n`);
if (!args['dry-run']) recordRun(section);
