import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { fileDeadLetterJob } from '../src/files/file-jobs.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { makeMedia } from './support/media.ts';
import { runScript, type ServiceProcess } from './support/service-process.ts';

// An API-only process takes the request; a separate worker process starts the import and is killed
// with SIGKILL mid-download. The job's heartbeat lapses, pg-boss retries it, and a second worker
// finishes it: the file must not stay PROCESSING.
let api: TestApp;
let origin: FixtureServer;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  const media = await makeMedia();
  const bytes = await readFile(media.mp4);
  [api, origin] = await Promise.all([startTestApp({ env: { ROLE: 'api' } }), startFixtureServer()]);
  let calls = 0;
  origin.route('/stalls-once.mp4', (_req, res) => {
    calls += 1;
    if (calls === 1) {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length });
      res.write(bytes.subarray(0, 1000)); // ...and never the rest: the worker is mid-download
      return;
    }
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length }).end(bytes);
  });
});
afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await Promise.all([api?.stop(), origin?.close()]);
});

function startWorker(): ServiceProcess {
  const worker = runScript('src/main.ts', [], {
    ROLE: 'worker',
    DATABASE_URL: api.database.url,
    DATA_DIR: api.dataDir,
    OUTBOUND_ALLOW: '127.0.0.1/32',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: api.url,
  });
  workers.push(worker);
  return worker;
}

describe('a worker killed mid-job', () => {
  it('an API-only process runs no jobs; a worker killed mid-import is replaced and the file ends STORED', async () => {
    const { body } = await api.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_url: `${origin.url}/stalls-once.mp4` }),
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(origin.hits).toEqual([]);
    expect((await api.json(`/api/v1/files/${body.file_id}`)).body.status).toBe('PROCESSING');

    const first = startWorker();
    const deadline = Date.now() + 30_000;
    while (!origin.hits.includes('/stalls-once.mp4') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(origin.hits).toEqual(['/stalls-once.mp4']);
    first.child.kill('SIGKILL');
    await first.exited;

    startWorker();
    const file = await api.waitForFile(body.file_id, api.apiKey, 90_000);
    expect(file).toMatchObject({ status: 'STORED', file_type: 'video', width: 320 });
    expect(origin.hits).toEqual(['/stalls-once.mp4', '/stalls-once.mp4']);
  }, 150_000);

  it('a job whose retries ran out lands in the dead-letter queue and its file ends FAILED (WORKER_LOST)', async () => {
    const account = await api.app.deps.db.account.findUniqueOrThrow({ where: { name: 'alice' } });
    const fileId = randomUUID();
    await api.app.deps.db.file.create({
      data: { id: fileId, accountId: account.id, storeType: 'STORED_FILE', filename: 'lost.mp4', originalFileUrl: `${origin.url}/x` },
    });
    await api.app.deps.queue.send(fileDeadLetterJob, { fileId });
    const file = await api.waitForFile(fileId, api.apiKey, 30_000);
    expect(file).toMatchObject({ status: 'FAILED', error_status: 'WORKER_LOST' });
  });
});
