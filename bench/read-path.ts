// bench/read-path: GET /api/v1/files/:id at 64 connections against `pgbench -S` (read-only selects)
// with the same client count on the same Postgres: requests/s ratio and p99. Medians of 3 runs. Also the
// list route, which always queries. `npm run bench -- read-path [--connections=64 --seconds=10 --runs=3
// --http-processes=1,2 --dry-run]`.
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { median } from './support/stats.ts';
import { startServer } from './support/server-process.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    // Each count is one service start (HTTP_PROCESSES); 2 uses both cores of a 2-CPU machine.
    'http-processes': { type: 'string', default: '1,2' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const processCounts = values['http-processes'].split(',').map(Number);

interface Sample {
  rps: number;
  p99: number;
  errors: number;
}
const database = await createBenchDatabase();
if (!database.url) throw new Error('read-path needs a Postgres server (DATABASE_URL or 127.0.0.1:5432) for pgbench');
const pgbenchUrl = database.url;
await run('pgbench', ['-i', '-s', '1', '-q', pgbenchUrl]);
const pg: Sample[] = [];
const rows: string[][] = [];
const summary = (label: string, samples: Sample[], p99Suffix = '') => [
  label,
  median(samples.map((r) => r.rps)).toFixed(0),
  `${median(samples.map((r) => r.p99)).toFixed(1)}${p99Suffix}`,
  String(samples.reduce((a, r) => a + r.errors, 0)),
];
const pgbench = async (): Promise<Sample> => {
  const { stdout } = await run('pgbench', ['-S', '-n', '-c', String(connections), '-j', '2', '-T', String(seconds), pgbenchUrl], { maxBuffer: 16 * 1024 * 1024 });
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  return { rps: tps, p99: Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1] ?? NaN), errors: 0 };
};
const load = async (url: string, apiKey: string, duration = seconds): Promise<Sample> => {
  const result = await autocannon({ url, connections, duration, headers: { 'x-api-key': apiKey } });
  const errors = result.non2xx + result.errors;
  if (errors) console.log(`${url}: ${errors} errors, status codes ${JSON.stringify(result.statusCodeStats)}, timeouts ${result.timeouts}`);
  return { rps: result.requests.average, p99: result.latency.p99, errors };
};

try {
  for (const processes of processCounts) {
    const clustered = processes > 1;
    const server = await startServer({
      databaseUrl: database.url,
      role: 'all',
      env: { RATE_LIMIT_PER_MINUTE: '10000000', HTTP_PROCESSES: String(processes), ...(clustered ? { LOG_LEVEL: 'info' } : {}) },
      waitForOutput: clustered ? /HTTP processes listening/ : undefined,
    });
    try {
      const form = new FormData();
      form.append('file', new Blob(['read path bench\n']), 'note.txt');
      const created = await fetch(`${server.url}/api/v1/files/upload`, { method: 'POST', headers: { 'X-API-KEY': server.apiKey }, body: form });
      const { file_id: fileId } = (await created.json()) as { file_id: string };
      const fileUrl = `${server.url}/api/v1/files/${fileId}`;
      const listUrl = `${server.url}/api/v1/files?limit=1`;
      await load(fileUrl, server.apiKey, 2); // warm-up
      const file: Sample[] = [];
      const list: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        file.push(await load(fileUrl, server.apiKey));
        list.push(await load(listUrl, server.apiKey));
      }
      const label = `${processes} HTTP process${clustered ? 'es' : ''}`;
      rows.push(summary(`GET /api/v1/files/:id, ${label}`, file), summary(`GET /api/v1/files?limit=1, ${label}`, list));
    } finally {
      await server.stop();
    }
  }
  // With no service running: its idle pools would otherwise take part of max_connections from pgbench.
  for (let i = 0; i < runs; i++) pg.push(await pgbench());
  const pgTps = median(pg.map((r) => r.rps));
  rows.push(summary('pgbench -S', pg, ' (average)'));
  const table = markdownTable(['Client', 'Requests/s (median)', 'p99 ms', 'Errors'], rows);
  const ratios = rows
    .filter((row) => row[0]!.startsWith('GET /api/v1/files/:id'))
    .map((row) => `${row[0]}: ${(Number(row[1]) / pgTps).toFixed(2)}`)
    .join('; ');
  const ratio = `Ratio API ÷ pgbench -S (target ≥ 0.4): ${ratios}.`;
  console.log(`${table}\n\n${ratio}`);
  if (!values['dry-run']) {
    recordRun([
      `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: read-path (${connections} connections, ${seconds} s × ${runs})`,
      '',
      ...machineLines(database.postgresVersion),
      '',
      'autocannon (in the bench process) against one all-roles service started as `npm start` runs it, with ' +
        `HTTP_PROCESSES=${processCounts.join(' and ')}; \`pgbench -S -c ${connections} -j 2\` on the same Postgres (scale 1). ` +
        'Each run measures the file, then the list (two queries per request, never cached); pgbench runs as many times ' +
        'after the services stopped (their idle connections would count against max_connections); medians of the ' +
        'runs. pgbench reports only an average latency. The file is STORED, so after its ' +
        'first read it is served from the in-memory file cache (`src/files/file-cache.ts`).',
      '',
      table,
      '',
      ratio,
    ].join('\n'));
  }
} finally {
  await database.drop();
}
