// bench/load: K concurrent clients mixing uploads, imports, commands and reads for T seconds against
// 2 API and 2 worker processes sharing one Postgres and one data directory. Reports throughput,
// p50/p99 per operation and errors (anything but 2xx and 429), then checks that every acknowledged
// file and command reached a terminal state. `npm run bench -- load --clients=16 --seconds=30`.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { runLoad, type OperationStats } from './support/load-clients.ts';
import { makeClip } from './support/media.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '16' }, seconds: { type: 'string', default: '30' }, 'dry-run': { type: 'boolean', default: false } },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);

const database = await createBenchDatabase();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-load-'));
const apiKey = `ffsk_${randomBytes(32).toString('hex')}`;
const clip = await readFile(await makeClip(dataDir));
const origin = http.createServer((_req, res) => void res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(clip));
await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
const originUrl = `http://127.0.0.1:${(origin.address() as { port: number }).port}/clip.mp4`;

const processes: ServerProcess[] = [];
try {
  // The rate limit is raised so that the run measures capacity; with the default, the excess is 429.
  const shared = { databaseUrl: database.url, dataDir, apiKey, env: { OUTBOUND_ALLOW: '127.0.0.1/32', WORKER_CONCURRENCY: '2', RATE_LIMIT_PER_MINUTE: '1000000' } };
  const first = await startServer({ ...shared, role: 'api' }); // migrates and creates the key first
  processes.push(first);
  const rest = await Promise.all([
    startServer({ ...shared, role: 'api', env: { ...shared.env, PUBLIC_URL: first.url } }),
    startServer({ ...shared, role: 'worker', env: { ...shared.env, PUBLIC_URL: first.url } }),
    startServer({ ...shared, role: 'worker', env: { ...shared.env, PUBLIC_URL: first.url } }),
  ]);
  processes.push(...rest);
  const apis = [first.url, rest[0]!.url];

  console.log(`load: ${clients} clients for ${seconds} s against 2 API + 2 worker processes`);
  const result = await runLoad({ apis, apiKey, clients, seconds, clip, importUrl: originUrl });
  const rows = result.operations.map((op: OperationStats) => [
    op.name, String(op.count), (op.count / seconds).toFixed(1), op.p50.toFixed(1), op.p99.toFixed(1), String(op.rateLimited), String(op.errors),
  ]);
  const table = markdownTable(['Operation', 'Requests', 'Per second', 'p50 ms', 'p99 ms', '429', 'Errors'], rows);
  const totals = `Acknowledged: ${result.files} files, ${result.commands} commands; terminal after the run: ` +
    `${result.terminalFiles}/${result.files} files (${result.failedFiles} FAILED), ` +
    `${result.terminalCommands}/${result.commands} commands (${result.failedCommands} FAILED); errors other than 429: ${result.errors}.`;
  console.log(`${table}\n\n${totals}`);
  if (!values['dry-run']) {
    const version = database.postgresVersion;
    recordRun([
      `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: load (${clients} clients, ${seconds} s, 2 API + 2 worker processes)`,
      '',
      ...machineLines(version),
      '',
      'Each client loops: 50% reads (GET a file or a page of files), 15% uploads (a 2 s lavfi clip), 15% imports ' +
        '(the same clip from a local HTTP server), 20% commands (one frame of a stored clip to PNG). Clients spread over ' +
        'both API processes; latencies are measured by the client from request to response.',
      '',
      table,
      '',
      totals,
    ].join('\n'));
  }
  if (result.errors > 0 || result.terminalFiles < result.files || result.terminalCommands < result.commands) process.exitCode = 1;
} finally {
  for (const p of processes.reverse()) await p.stop();
  origin.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}
