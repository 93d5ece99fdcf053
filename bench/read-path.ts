// bench/read-path: GET /api/v1/files/:id at 64 connections against `pgbench -S` (read-only selects)
// with the same client count on the same Postgres: requests/s ratio and p99. Medians of 3 runs.
// `npm run bench -- read-path [--connections=64 --seconds=10 --runs=3 --dry-run]`.
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { median } from './support/rss-sampler.ts';
import { startServer } from './support/server-process.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const runs = Number(values.runs);

const database = await createBenchDatabase();
if (!database.url) throw new Error('read-path needs a Postgres server (DATABASE_URL or 127.0.0.1:5432) for pgbench');
const server = await startServer({ databaseUrl: database.url, role: 'all', env: { RATE_LIMIT_PER_MINUTE: '10000000' } });
try {
  const form = new FormData();
  form.append('file', new Blob(['read path bench\n']), 'note.txt');
  const created = await fetch(`${server.url}/api/v1/files/upload`, { method: 'POST', headers: { 'X-API-KEY': server.apiKey }, body: form });
  const { file_id: fileId } = (await created.json()) as { file_id: string };
  const url = `${server.url}/api/v1/files/${fileId}`;
  await autocannon({ url, connections, duration: 2, headers: { 'x-api-key': server.apiKey } }); // warm-up

  const pgbenchUrl = database.url;
  await run('pgbench', ['-i', '-s', '1', '-q', pgbenchUrl]);
  const api: { rps: number; p99: number; errors: number }[] = [];
  const pg: { tps: number; p99: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await autocannon({ url, connections, duration: seconds, headers: { 'x-api-key': server.apiKey } });
    api.push({ rps: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors });
    const { stdout } = await run('pgbench', ['-S', '-n', '-c', String(connections), '-j', '2', '-T', String(seconds), pgbenchUrl], { maxBuffer: 16 * 1024 * 1024 });
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? NaN);
    const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1] ?? NaN);
    pg.push({ tps, p99: latency });
  }
  const apiRps = median(api.map((r) => r.rps));
  const pgTps = median(pg.map((r) => r.tps));
  const rows = [
    ['GET /api/v1/files/:id', apiRps.toFixed(0), median(api.map((r) => r.p99)).toFixed(1), String(api.reduce((a, r) => a + r.errors, 0))],
    ['pgbench -S', pgTps.toFixed(0), `${median(pg.map((r) => r.p99)).toFixed(1)} (average)`, '0'],
  ];
  const table = markdownTable(['Client', 'Requests/s (median)', 'p99 ms', 'Errors'], rows);
  const ratio = `Ratio API ÷ pgbench -S: ${(apiRps / pgTps).toFixed(2)} (target ≥ 0.4).`;
  console.log(`${table}\n\n${ratio}`);
  if (!values['dry-run']) {
    recordRun([
      `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: read-path (${connections} connections, ${seconds} s × ${runs})`,
      '',
      ...machineLines(database.postgresVersion),
      '',
      `autocannon against one all-roles service process started as \`npm start\` runs it, and \`pgbench -S -c ${connections} -j 2\` on ` +
        'the same Postgres (scale 1), alternating, medians of the runs. pgbench reports only an average latency.',
      '',
      table,
      '',
      ratio,
    ].join('\n'));
  }
} finally {
  await server.stop();
  await database.drop();
}
