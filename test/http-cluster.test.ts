// HTTP_PROCESSES=2 under `npm start`: a primary (jobs, migrations, bootstrap) and two HTTP processes
// sharing the port. A killed HTTP process is replaced while the other keeps answering; SIGTERM ends all.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { freePort, runNpmStart, type ServiceProcess } from './support/service-process.ts';
import { until } from './support/wait.ts';

let database: TestDatabase;
let dataDir: string;
let service: ServiceProcess;
let base: string;
const apiKey = `ffsk_${randomBytes(32).toString('hex')}`;

/** Node processes running scripts/start.mjs below root (npm), with their parent pids. */
function serviceProcesses(root: number): { pid: number; ppid: number }[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
        return [{ pid: Number(name), ppid, cmdline }];
      } catch {
        return []; // exited while we looked
      }
    });
  const below = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) if (below.has(p.ppid) && !below.has(p.pid)) (below.add(p.pid), (grew = true));
  }
  // npm's `sh -c` line names start.mjs too: only node itself counts.
  const isServiceNode = (cmdline: string) => path.basename(cmdline.split('\0')[0]!) === 'node' && cmdline.includes('start.mjs');
  return all.filter((p) => below.has(p.pid) && isServiceNode(p.cmdline)).map(({ pid, ppid }) => ({ pid, ppid }));
}

function httpChildren(): number[] {
  const processes = serviceProcesses(service.child.pid!);
  const primary = processes.find((p) => !processes.some((q) => q.pid === p.ppid));
  return processes.filter((p) => p.ppid === primary?.pid).map((p) => p.pid);
}

const withOutput = (what: string) => () => `${what}\n${service.output()}`;
const listFiles = () => fetch(`${base}/api/v1/files`, { headers: { 'X-API-KEY': apiKey, connection: 'close' } }).then((r) => r.status, () => 0);

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-cluster-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  service = runNpmStart({
    DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info',
    HTTP_PROCESSES: '2', BOOTSTRAP_API_KEY: apiKey, S3_BUCKET: undefined,
  });
  await service.waitFor(/HTTP processes listening/, 120_000);
});

afterAll(async () => {
  if (service?.child.exitCode === null) {
    // The tree first: once npm is gone, its orphans can no longer be found from it.
    const left = serviceProcesses(service.child.pid!);
    service.child.kill('SIGKILL');
    for (const { pid } of left) process.kill(pid, 'SIGKILL');
  }
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('HTTP_PROCESSES=2', () => {
  it('serves the API from two processes while the primary runs the jobs', async () => {
    expect(httpChildren()).toHaveLength(2);
    const form = new FormData();
    form.append('file', new Blob(['clustered\n']), 'note.txt');
    const upload = await fetch(`${base}/api/v1/files/upload`, { method: 'POST', headers: { 'X-API-KEY': apiKey }, body: form });
    const { file_id: fileId } = (await upload.json()) as { file_id: string };
    const file = await until(withOutput('the upload to be probed by the primary'), async () => {
      const f = (await fetch(`${base}/api/v1/files/${fileId}`, { headers: { 'X-API-KEY': apiKey } }).then((r) => r.json())) as any;
      return f.status !== 'PROCESSING' ? f : null;
    }, 30_000);
    expect(file).toMatchObject({ status: 'STORED', file_type: 'other', filename: 'note.txt' });
    // No second key was printed by an HTTP process: the bootstrap key is the primary's.
    expect(service.output()).not.toMatch(/shown once/);
  });

  it('replaces a killed HTTP process while the other keeps answering', async () => {
    const [victim, survivor] = httpChildren();
    process.kill(victim!, 'SIGKILL');
    // Connections the primary hands out before it has seen the death can fail; from then on, none.
    await until(withOutput('the primary to reap it'), () => !existsSync(`/proc/${victim}`), 30_000);
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push(await listFiles());
    expect(statuses.every((s) => s === 200)).toBe(true);
    const replaced = await until(withOutput('a new HTTP process'), () => {
      const pids = httpChildren();
      return pids.length === 2 && !pids.includes(victim!) ? pids : null;
    }, 30_000);
    expect(replaced).toContain(survivor);
    await until(withOutput('the new process to answer too'), async () => (await listFiles()) === 200, 30_000);
  });

  it('/metrics answers for the whole cluster: every HTTP process\'s requests and the primary\'s jobs', async () => {
    const scrape = () => fetch(`${base}/metrics`, { headers: { connection: 'close' } }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const listed = (text: string) => Number(/^ffapi_http_requests_total\{method="GET",route="\/api\/v1\/files",status="200"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    const covering3 = async () => {
      const r = await scrape();
      return r.status === 200 && /^ffapi_scrape_processes 3$/m.test(r.text) ? r : null;
    };
    // The replacement forked by the test before may still be starting: it joins once it is ready.
    const before = await until(withOutput('a scrape covering all 3 processes'), covering3, 30_000, 200);
    // New connections each: the cluster hands them to the two HTTP processes in turn.
    for (let i = 0; i < 20; i++) expect(await listFiles()).toBe(200);
    // Whichever process takes a scrape, it counts all 20; a process alone would count about 10.
    for (let i = 0; i < 4; i++) {
      const after = await scrape();
      expect(after.status).toBe(200);
      expect(after.text).toMatch(/^ffapi_scrape_processes 3$/m);
      expect(listed(after.text) - listed(before.text)).toBe(20);
      // The probe job of the first test ran in the primary, which serves no HTTP.
      expect(after.text).toMatch(/^ffapi_job_outcomes_total\{queue="[^"]+",outcome="completed"\} [1-9]/m);
      expect(after.text).toMatch(/^ffapi_queue_depth\{queue="[^"]+",state="queued"\} \d+$/m);
    }

    // An HTTP process that dies keeps its counts in the sum: a counter that went down would read as a reset.
    const [victim] = httpChildren();
    process.kill(victim!, 'SIGKILL');
    await until(withOutput('the primary to reap it'), () => !existsSync(`/proc/${victim}`), 30_000);
    const whileDown = await scrape();
    expect(whileDown.status).toBe(200);
    expect(listed(whileDown.text) - listed(before.text)).toBe(20);
    const afterRestart = await until(withOutput('the replacement to join the scrape'), covering3, 30_000, 200);
    expect(listed(afterRestart.text) - listed(before.text)).toBe(20);
  });

  it('stops every process on SIGTERM', async () => {
    const pids = serviceProcesses(service.child.pid!).map((p) => p.pid);
    expect(pids.length).toBe(3);
    service.child.kill('SIGTERM');
    await service.exited;
    await until(withOutput('all processes to be gone'), () => pids.every((pid) => !readdirSync('/proc').includes(String(pid))), 30_000);
    expect(await listFiles()).toBe(0);
  });
});
