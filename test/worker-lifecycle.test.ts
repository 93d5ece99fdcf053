import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { makeMedia } from './support/media.ts';
import { freePort, runScript, type ServiceProcess } from './support/service-process.ts';
import { until } from './support/wait.ts';
import { graphql } from './gql/index.ts';
import { subscribeSse, subscribeWs } from './support/graphql-client.ts';

// The API runs here; commands run in worker processes this test starts and stops with SIGTERM.
let api: TestApp;
let clipId: string;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  const media = await makeMedia();
  api = await startTestApp({ env: { ROLE: 'api' } });
  const form = new FormData();
  form.append('file', new Blob([await readFile(media.mp4)]), 'clip.mp4');
  clipId = (await api.json('/api/v1/files/upload', { method: 'POST', body: form })).body.file_id;
  startWorker('30');
  await api.waitForFile(clipId);
});
afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await api?.stop();
});

function startWorker(graceSeconds: string): ServiceProcess {
  const worker = runScript('src/main.ts', [], {
    ROLE: 'worker', DATABASE_URL: api.database.url, DATA_DIR: api.dataDir, PUBLIC_URL: api.url,
    LOG_LEVEL: 'warn', SHUTDOWN_GRACE_SECONDS: graceSeconds,
  });
  workers.push(worker);
  return worker;
}

async function submit(loops: number): Promise<string> {
  const { body } = await api.json('/api/v1/run-ffmpeg-command', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input_files: { in_video: clipId },
      output_files: { out_video: 'out.mp4' },
      // -re: real time, so the command is still running when SIGTERM arrives.
      ffmpeg_command: `-stream_loop ${loops} -re -i {{in_video}} -c:v libx264 -preset ultrafast -an {{out_video}}`,
    }),
  });
  return body.command_id;
}

async function waitForStatus(id: string, wanted: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.json(`/api/v1/commands/${id}`);
    if (body.status === wanted) return body;
    if (Date.now() > deadline) throw new Error(`command ${id} is ${body.status}, not ${wanted}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SIGTERM', () => {
  it('drains: the running command finishes within the grace period and the worker exits 0', async () => {
    const worker = workers[0]!;
    const id = await submit(0);
    await waitForStatus(id, 'PROCESSING');
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(20_000);
    expect((await api.json(`/api/v1/commands/${id}`)).body).toMatchObject({ status: 'SUCCESS' });
  }, 60_000);

  it('past the grace period the command is released, not failed, and another worker finishes it', async () => {
    const worker = startWorker('1');
    const id = await submit(4); // about 10 s of real-time input
    await waitForStatus(id, 'PROCESSING');
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(8_000);
    const meanwhile = (await api.json(`/api/v1/commands/${id}`)).body;
    expect(meanwhile.status).toBe('PROCESSING');
    expect(meanwhile.error_status).toBeNull();

    startWorker('30');
    const done = await waitForStatus(id, 'SUCCESS', 60_000);
    expect(done.output_files.out_video).toMatchObject({ status: 'STORED', file_type: 'video' });
  }, 120_000);
});

describe('SIGTERM to a process that serves HTTP and runs jobs', () => {
  it('stops taking jobs at once and counts the grace from the signal, while its requests drain', async () => {
    // Only the process this test starts may take jobs.
    for (const running of workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null)) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const both = runScript('src/main.ts', [], {
      ROLE: 'all', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: api.database.url, DATA_DIR: api.dataDir,
      PUBLIC_URL: api.url, LOG_LEVEL: 'warn', SHUTDOWN_GRACE_SECONDS: '5',
    });
    workers.push(both);
    await until('the process to serve', () => fetch(`${url}/healthz`).then((r) => r.ok, () => false), 60_000);
    const running = await submit(4); // about 10 s of real-time input: it outlasts the grace
    await waitForStatus(running, 'PROCESSING');
    // A WebSocket subscriber keeps that process's HTTP side busy until it is closed, 5 s after the signal.
    const watching = subscribeWs(url, Watch, { commandId: running }, api.apiKey).catch(() => []);
    await new Promise((r) => setTimeout(r, 500));

    const signalled = Date.now();
    both.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const late = await submit(0);
    const job = async () => (await api.app.deps.queue.boss.findJobs('command.run', { data: { commandId: running } }))[0];
    await until('the running command to be released', async () => (await job())?.state !== 'active', 30_000, 50);
    // Before, the grace began only once the HTTP side had closed: released after 10 s, not 5.
    expect(Date.now() - signalled).toBeLessThan(8_000);
    expect(await both.exited).toBe(0);
    await watching;
    // Sent after the signal: left for another process, not started by the one stopping.
    expect((await api.json(`/api/v1/commands/${late}`)).body).toMatchObject({ status: 'QUEUED', started_at: null });

    startWorker('30');
    for (const id of [running, late]) expect((await waitForStatus(id, 'SUCCESS', 90_000)).error_status).toBeNull();
  }, 180_000);
});

describe('deploys in a row', () => {
  it('a command released by more shutdowns than it has retries still runs to SUCCESS, never WORKER_LOST', async () => {
    // Only the workers this test starts may take the job.
    for (const running of workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null)) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    const id = await submit(4);
    const job = async () => (await api.app.deps.queue.boss.findJobs('command.run', { data: { commandId: id } }))[0];
    // retryLimit is 2: a third release that used up an attempt would end the command FAILED.
    for (let release = 0; release < 3; release++) {
      const worker = startWorker('1');
      const deadline = Date.now() + 60_000;
      while ((await job())?.state !== 'active') {
        if (Date.now() > deadline) throw new Error(`release ${release}: the job never became active`);
        await new Promise((r) => setTimeout(r, 100));
      }
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect((await api.json(`/api/v1/commands/${id}`)).body).toMatchObject({ status: 'PROCESSING', error_status: null });
    }
    expect(await job()).toMatchObject({ state: 'retry' });
    startWorker('30');
    const done = await waitForStatus(id, 'SUCCESS', 90_000);
    expect(done.output_files.out_video).toMatchObject({ status: 'STORED', file_type: 'video' });
  }, 240_000);
});

const Watch = graphql(`
  subscription WatchCommand($commandId: ID!) { commandStatus(commandId: $commandId) { status progress } }
`);

describe('across processes', () => {
  it('a subscriber on the API process sees every change the worker process makes', async () => {
    const id = await submit(0);
    const events = await subscribeSse(api.url, Watch, { commandId: id }, api.apiKey);
    const statuses = events.map((e) => e.data!.commandStatus.status);
    expect(statuses.at(-1)).toBe('SUCCESS');
    expect(statuses).toContain('PROCESSING');
    expect(events.some((e) => (e.data!.commandStatus.progress ?? 0) > 0 && e.data!.commandStatus.status === 'PROCESSING')).toBe(true);
  }, 60_000);

  it('kill -9 of a worker mid-command: the command is retried by another worker and succeeds', async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    const victim = startWorker('30');
    const id = await submit(3);
    await waitForStatus(id, 'PROCESSING');
    victim.child.kill('SIGKILL');
    await victim.exited;
    startWorker('30');
    const done = await waitForStatus(id, 'SUCCESS', 90_000);
    expect(done.output_files.out_video).toMatchObject({ status: 'STORED' });
  }, 120_000);
});
