// Requirement: "Ingest latency: `store-file` of a 1 MB file from a local HTTP server to `STORED` (probe
// included), 50 runs: p50 and p95", target p50 ≤ 200 ms. One all-roles service (its own process, as
// `npm start` runs it) imports a ~1 MB lavfi clip served by an HTTP server inside this process; the
// client times POST /api/v1/files/store-file, then waits for STORED on the GraphQL `fileStatus`
// subscription (SSE). Afterwards the server's own timestamps (files, pgboss.job) show where the time went.
// `npm run bench -- ingest-latency [--runs=50 --warmup=3 --dry-run]`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'graphql';
import { resolveMediaBinaries } from '../src/platform/media/index.ts';
import { subscribeSse } from '../test/support/graphql-client.ts';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { serverPhases, type ServerPhases } from './support/ingest-latency-phases.ts';
import { makeClip } from './support/media.ts';
import { median, percentile } from './support/stats.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';

const TARGET_P50_MS = 200;
// The service resolves ffprobe the same way from the environment it inherits; its start-up is most of the probe.
const ffprobePath = resolveMediaBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH }).ffprobe;
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
    'dry-run': { type: 'boolean', default: false }, // do not write BENCHMARKS.md
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);

const FILE_STATUS = parse('subscription ($fileId: ID!) { fileStatus(fileId: $fileId) { fileId status errorStatus } }');
type FileStatusEvent = { fileStatus: { fileId: string; status: string; errorStatus: string | null } };

interface Run {
  fileId: string;
  startedAtMs: number; // wall clock, to line up with the server's timestamps
  totalMs: number;
  postMs: number;
  postToStoredMs: number;
  storedOnFirstEvent: boolean;
}

async function ingestOnce(server: ServerProcess, fileUrl: string): Promise<Run> {
  const startedAtMs = Date.now();
  const started = performance.now();
  const response = await fetch(`${server.url}/api/v1/files/store-file`, {
    method: 'POST',
    headers: { 'x-api-key': server.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ file_url: fileUrl }),
  });
  const body = (await response.json()) as { file_id?: string };
  const posted = performance.now();
  if (!response.ok || !body.file_id) throw new Error(`store-file answered ${response.status}: ${JSON.stringify(body)}`);
  const fileId = body.file_id;
  // The subscription yields the file as it is now, then each change, and completes at STORED/FAILED;
  // a first event that is already STORED means the service finished before the subscription was set up.
  let stored: number | undefined;
  let firstEvent = true;
  let storedOnFirstEvent = false;
  const subscription = subscribeSse<FileStatusEvent, { fileId: string }>(server.url, FILE_STATUS, { fileId }, server.apiKey, (event) => {
    if (event.data?.fileStatus.status === 'STORED') {
      stored = performance.now();
      storedOnFirstEvent = firstEvent;
    }
    firstEvent = false;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`file ${fileId}: no STORED or FAILED within 60 s`)), 60_000);
  });
  const events = await Promise.race([subscription, timeout]).finally(() => clearTimeout(timer));
  if (stored === undefined) throw new Error(`file ${fileId} did not become STORED: ${JSON.stringify(events)}`);
  return { fileId, startedAtMs, totalMs: stored - started, postMs: posted - started, postToStoredMs: stored - posted, storedOnFirstEvent };
}

const statsRow = (label: string, values: number[]) =>
  [label, ...[50, 95].map((p) => percentile(values, p)), Math.min(...values), Math.max(...values)].map((v) =>
    typeof v === 'number' ? v.toFixed(1) : v,
  );

const database = await createBenchDatabase();
const tmp = await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-ingest-'));
let origin: http.Server | undefined;
let server: ServerProcess | undefined;
try {
  // 4.5 s of 640x360 testsrc2 + sine at 25 fps (h264 ultrafast + aac): about 1.06 MB.
  const clip = await readFile(await makeClip(tmp, 4.5, '640x360'));
  origin = http.createServer((_req, res) => void res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(clip));
  await new Promise<void>((resolve) => origin!.listen(0, '127.0.0.1', resolve));
  const originUrl = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
  // Imports refuse internal addresses unless allow-listed, as the tests and bench/load do.
  server = await startServer({ databaseUrl: database.url, role: 'all', env: { OUTBOUND_ALLOW: '127.0.0.1/32' } });

  for (let i = 0; i < warmup; i++) await ingestOnce(server, `${originUrl}/warmup-${i}.mp4`);
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await ingestOnce(server, `${originUrl}/clip-${i}.mp4`);
    results.push(run);
    console.log(
      `run ${i + 1}: total ${run.totalMs.toFixed(1)} ms (POST ${run.postMs.toFixed(1)}, then ${run.postToStoredMs.toFixed(1)})` +
        `${run.storedOnFirstEvent ? ', already STORED at subscribe' : ''}`,
    );
  }

  const table = markdownTable(
    ['Measure', 'p50 ms', 'p95 ms', 'min ms', 'max ms'],
    [
      statsRow('POST start → STORED seen', results.map((r) => r.totalMs)),
      statsRow('POST response', results.map((r) => r.postMs)),
      statsRow('POST response → STORED seen', results.map((r) => r.postToStoredMs)),
    ],
  );
  const p50 = percentile(results.map((r) => r.totalMs), 50);
  const verdict = `Target: p50 ≤ ${TARGET_P50_MS} ms; measured p50 ${p50.toFixed(1)} ms: ${p50 <= TARGET_P50_MS ? 'met' : '**not met**'}.`;
  const early = results.filter((r) => r.storedOnFirstEvent).length;

  const phases: ServerPhases[] | undefined = database.url ? await serverPhases(database.url, results) : undefined;
  const phaseTable = phases?.length
    ? markdownTable(
        ['Phase (server timestamps)', 'median ms'],
        (Object.keys(phases[0]!) as (keyof ServerPhases)[]).map((k) => [k, median(phases.map((p) => p[k])).toFixed(1)]),
      )
    : 'No phase split: the service ran on its embedded Postgres, which this bench does not read.';

  const section = [
    `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ingest-latency (store-file of ${(clip.length / 1e6).toFixed(2)} MB to STORED, ${runs} runs)`,
    '',
    ...machineLines(database.postgresVersion),
    '',
    `One all-roles service started as \`npm start\` runs it (local storage, \`OUTBOUND_ALLOW=127.0.0.1/32\`, other settings default), ` +
      `importing a ${clip.length}-byte MP4 (4.5 s of 640x360 lavfi testsrc2 + sine, h264 ultrafast + aac) from an HTTP server in the ` +
      `bench process; the service's ffprobe: \`${ffprobePath}\`. Runs one at a time, ${warmup} warm-up run(s) not counted. POST response: request start to the parsed ` +
      'answer of `POST /api/v1/files/store-file`. STORED seen: the client receives STORED on the GraphQL `fileStatus` ' +
      'subscription (SSE), opened right after the POST answered; it pushes the change from a Postgres NOTIFY, so the ' +
      'client adds no polling load or polling delay to the worker running in the same process. ' +
      `${early} of ${runs} run(s) were already STORED when the subscription started (their time is then an upper bound). ` +
      'Percentiles are nearest-rank.',
    '',
    table,
    '',
    verdict,
    '',
    'Where the time goes, from the service\'s own timestamps (`files.created_at`/`updated_at`, `pgboss.job` ' +
      '`created_on`/`started_on`; same machine clock as the client, ms precision), medians over the runs:',
    '',
    phaseTable,
  ].join('\n');
  console.log(`\n${section}\n`);
  if (!values['dry-run']) recordRun(section);
} finally {
  await server?.stop();
  origin?.close();
  await database.drop();
  await rm(tmp, { recursive: true, force: true });
}
