import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, setRateLimit } from '../src/accounts/accounts-service.ts';
import { idempotencyStore } from '../src/http/idempotency.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { makeMedia } from './support/media.ts';
import { freePort, runScript, type ServiceProcess } from './support/service-process.ts';

let t: TestApp;
let origin: FixtureServer;
let media: Awaited<ReturnType<typeof makeMedia>>;
let second: ServiceProcess | undefined;

beforeAll(async () => {
  [t, origin, media] = await Promise.all([startTestApp(), startFixtureServer(), makeMedia()]);
  origin.file('/clip.mp4', media.mp4, 'video/mp4');
});
afterAll(async () => {
  if (second && second.child.exitCode === null) second.child.kill('SIGTERM');
  await second?.exited;
  await Promise.all([t?.stop(), origin?.close()]);
});

// Files clients made: a command queued by an earlier test stores its outputs as files whenever it ends.
const clientFiles = () => t.app.deps.db.file.count({ where: { storeType: { not: 'OUTPUT' } } });

describe('rate limits per API key, shared by every process', () => {
  it('a second API process and this one count together; over the limit is 429 with Retry-After', async () => {
    const key = await createApiKey(t.app.deps.db, 'limited');
    expect(await setRateLimit(t.app.deps.db, 'limited', 6)).toBe(true);
    const port = await freePort();
    second = runScript('src/main.ts', [], {
      ROLE: 'api', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: t.database.url, DATA_DIR: t.dataDir, LOG_LEVEL: 'warn',
    });
    const other = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (!(await fetch(`${other}/healthz`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error(`second process did not start:\n${second.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Both processes must be within one clock minute for a fixed-window count.
    const secondsIntoMinute = new Date().getUTCSeconds();
    if (secondsIntoMinute > 50) await new Promise((r) => setTimeout(r, (61 - secondsIntoMinute) * 1000));

    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const base = i % 2 === 0 ? t.url : other;
      statuses.push((await fetch(`${base}/api/v1/files`, { headers: { 'X-API-KEY': key } })).status);
    }
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(6)).toEqual([429, 429]);
    const limited = await fetch(`${other}/api/v1/files`, { headers: { 'X-API-KEY': key } });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'RATE_LIMITED' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const graphql = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: '{ files { total } }' }),
    });
    const body = (await graphql.json()) as any;
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(graphql.headers.get('retry-after')).toBeTruthy();
    // Other keys are not affected.
    expect((await t.json('/api/v1/files')).status).toBe(200);
  }, 120_000);
});

describe('Idempotency-Key on POST', () => {
  const storeFile = (key: string | undefined, url: string) =>
    t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ file_url: url }),
    });

  it('the same key and body return the first result and create nothing new; another body is 422', async () => {
    const rowsBefore = await clientFiles();
    const first = await storeFile('import-1', `${origin.url}/clip.mp4`);
    const again = await storeFile('import-1', `${origin.url}/clip.mp4`);
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await clientFiles()).toBe(rowsBefore + 1);
    const other = await storeFile('import-1', `${origin.url}/clip.mp4?v=2`);
    expect(other.status).toBe(422);
    expect(await clientFiles()).toBe(rowsBefore + 1);
    // Keys belong to an account: the same key elsewhere is a new request.
    const elsewhere = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      key: t.otherApiKey,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'import-1' },
      body: JSON.stringify({ file_url: `${origin.url}/clip.mp4` }),
    });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.file_id).not.toBe(first.body.file_id);
  });

  it('uploads too: a repeated multipart upload with the same key stores one file', async () => {
    const bytes = await readFile(media.png);
    const send = () => {
      const form = new FormData();
      form.append('file', new Blob([bytes]), 'still.png');
      return t.json('/api/v1/files/upload', { method: 'POST', headers: { 'idempotency-key': 'upload-7' }, body: form });
    };
    const rowsBefore = await clientFiles();
    const [a, b] = [await send(), await send()];
    expect(a.status).toBe(200);
    expect(b.body.file_id).toBe(a.body.file_id);
    expect(await clientFiles()).toBe(rowsBefore + 1);
  });

  it('an upload is compared by its content: the same form again is a replay, another file or part type is 422', async () => {
    const boundary = 'formBoundary7';
    const form = (parts: Array<{ name: string; filename?: string; type?: string; data: Buffer | string }>) =>
      Buffer.concat([
        ...parts.flatMap((p) => [
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`),
          Buffer.from(p.data),
          Buffer.from('\r\n'),
        ]),
        Buffer.from(`--${boundary}--\r\n`),
      ]);
    const upload = (key: string, body: Buffer | FormData) =>
      t.json('/api/v1/files/upload', {
        method: 'POST',
        headers: { 'idempotency-key': key, ...(body instanceof FormData ? {} : { 'content-type': `multipart/form-data; boundary=${boundary}` }) },
        body: body instanceof FormData ? body : new Uint8Array(body),
      });

    // A text field after the file: the parser hands it out while file bytes still wait for storage.
    for (const size of [20_000, 100_000, 1_000_000]) {
      const data = randomBytes(size);
      const send = () => {
        const fd = new FormData();
        fd.append('file', new Blob([data]), 'clip.bin');
        fd.append('note', 'hello');
        return upload(`field-after-file-${size}`, fd);
      };
      const first = await send();
      expect(first.status).toBe(200);
      const again = await send();
      expect(again, `${size} bytes`).toMatchObject({ status: 200, body: first.body });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    }

    // The file's bytes may not run into the next part: this file ends with what the field would add.
    const data = randomBytes(200_000);
    const withField = await upload('framed', form([{ name: 'file', filename: 'a.bin', data }, { name: 'note', data: 'x' }]));
    expect(withField.status).toBe(200);
    const longerFile = await upload('framed', form([{ name: 'file', filename: 'a.bin', data: Buffer.concat([data, Buffer.from('field "note"="x"\n')]) }]));
    expect(longerFile.status).toBe(422);

    // The part's type becomes the file's mime_type: another type is another request.
    expect((await upload('typed', form([{ name: 'file', filename: 'c.bin', type: 'video/mp4', data: 'abc' }]))).status).toBe(200);
    expect((await upload('typed', form([{ name: 'file', filename: 'c.bin', type: 'text/plain', data: 'abc' }]))).status).toBe(422);
    expect((await upload('typed', form([{ name: 'file', filename: 'c.bin', type: 'video/mp4', data: 'abd' }]))).status).toBe(422);
    const same = await upload('typed', form([{ name: 'file', filename: 'c.bin', type: 'video/mp4', data: 'abc' }]));
    expect(same.status).toBe(200);
    expect(same.headers.get('idempotent-replayed')).toBe('true');
  });

  it('concurrent requests with one key run once; a refused request is forgotten so it can be retried', async () => {
    const rowsBefore = await t.app.deps.db.command.count();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        t.json('/api/v1/run-ffmpeg-command', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'cmd-1' },
          body: JSON.stringify({ input_files: { in_v: `${origin.url}/clip.mp4` }, output_files: { out_f: 'f.png' }, ffmpeg_command: '-i {{in_v}} -frames:v 1 {{out_f}}' }),
        }),
      ),
    );
    expect(new Set(results.map((r) => r.body.command_id)).size).toBe(1);
    expect(await t.app.deps.db.command.count()).toBe(rowsBefore + 1);
    // The same document with its keys in another order and other spacing is the same request.
    const reordered = await t.json('/api/v1/run-ffmpeg-command', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'cmd-1' },
      body: `{ "ffmpeg_command": "-i {{in_v}} -frames:v 1 {{out_f}}",\n  "output_files": {"out_f": "f.png"}, "input_files": {"in_v": "${origin.url}/clip.mp4"} }`,
    });
    expect(reordered).toMatchObject({ status: 200, body: { command_id: results[0]!.body.command_id } });
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
    expect(await t.app.deps.db.command.count()).toBe(rowsBefore + 1);

    const bad = await storeFile('retry-me', 'http://10.0.0.1/x.mp4');
    expect(bad.status).toBe(422);
    const good = await storeFile('retry-me', `${origin.url}/clip.mp4`);
    expect(good.status).toBe(200);
    expect((await storeFile('x'.repeat(300), `${origin.url}/clip.mp4`)).status).toBe(400);
  });
});

describe('Idempotency-Key on POST /graphql', () => {
  const STORE = 'mutation ($u: String!) { storeFile(fileUrl: $u) { fileId } }';
  const gql = (key: string, variables: Record<string, unknown>, query = STORE) =>
    t.json('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ query, variables }),
    });

  it('a repeated mutation gets the first answer and creates nothing; another body is 422', async () => {
    const rowsBefore = await clientFiles();
    const first = await gql('gql-store-1', { u: `${origin.url}/clip.mp4` });
    expect(first.status).toBe(200);
    expect(first.body.data.storeFile.fileId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await gql('gql-store-1', { u: `${origin.url}/clip.mp4` });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await clientFiles()).toBe(rowsBefore + 1);

    const other = await gql('gql-store-1', { u: `${origin.url}/clip.mp4?other` });
    expect(other.status).toBe(422);
    expect(other.body.errors[0].extensions.code).toBe('VALIDATION_ERROR');
    expect(await clientFiles()).toBe(rowsBefore + 1);
    // The same key is another account's own.
    const bob = await t.json('/graphql', {
      method: 'POST',
      key: t.otherApiKey,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'gql-store-1' },
      body: JSON.stringify({ query: STORE, variables: { u: `${origin.url}/clip.mp4` } }),
    });
    expect(bob.body.data.storeFile.fileId).not.toBe(first.body.data.storeFile.fileId);
  });

  it('every request is counted once against the rate limit, replays too (as over REST)', async () => {
    const key = await createApiKey(t.app.deps.db, 'gql-limited');
    expect(await setRateLimit(t.app.deps.db, 'gql-limited', 3)).toBe(true);
    const secondsIntoMinute = new Date().getUTCSeconds(); // a fixed window: all four in one minute
    if (secondsIntoMinute > 50) await new Promise((r) => setTimeout(r, (61 - secondsIntoMinute) * 1000));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': 'gql-counted' },
        body: JSON.stringify({ query: STORE, variables: { u: `${origin.url}/clip.mp4` } }),
      });
      statuses.push(answer.status);
      await answer.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  }, 30_000);

  it('a mutation that failed is forgotten, so the key can be retried; uploads and bad keys are refused', async () => {
    const refused = await gql('gql-retry', { u: 'http://10.0.0.1/x.mp4' });
    expect(refused.body.errors[0].extensions.code).toBe('VALIDATION_ERROR');
    const retried = await gql('gql-retry', { u: `${origin.url}/clip.mp4` });
    expect(retried.status).toBe(200);
    expect(retried.body.data.storeFile.fileId).toMatch(/^[0-9a-f-]{36}$/);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();

    const form = new FormData();
    form.append('operations', JSON.stringify({ query: 'mutation ($f: Upload!) { uploadFile(file: $f) { fileId } }', variables: { f: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob(['hello']), 'a.txt');
    const rowsBefore = await clientFiles();
    const upload = await t.json('/graphql', { method: 'POST', headers: { 'idempotency-key': 'gql-upload' }, body: form });
    expect(upload.status).toBe(400);
    expect(upload.body.errors[0].extensions.code).toBe('INVALID_REQUEST');
    expect(await clientFiles()).toBe(rowsBefore);

    expect((await gql('x'.repeat(256), { u: `${origin.url}/clip.mp4` })).status).toBe(400);
    const noKey = await t.json('/graphql', {
      method: 'POST',
      key: null,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'gql-nokey' },
      body: JSON.stringify({ query: STORE, variables: { u: `${origin.url}/clip.mp4` } }),
    });
    expect(noKey.status).toBe(401);
  });
});

describe('Idempotency-Key claims', () => {
  const alice = () => t.app.deps.db.account.findUniqueOrThrow({ where: { name: 'alice' } }).then((a) => a.id);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('a claim left by a process that died is taken over: the retry runs at once instead of waiting and failing', async () => {
    await t.app.deps.db.idempotencyRecord.create({ data: { accountId: await alice(), key: 'orphaned-1', renewedAt: new Date(Date.now() - 60_000) } });
    const started = Date.now();
    const retry = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'orphaned-1' },
      body: JSON.stringify({ file_url: `${origin.url}/clip.mp4` }),
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    const again = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'orphaned-1' },
      body: JSON.stringify({ file_url: `${origin.url}/clip.mp4` }),
    });
    expect(again).toMatchObject({ status: 200, body: { file_id: retry.body.file_id } });
  });

  it('a claim held by a running request is renewed, so a long request keeps its key past the stale limit', async () => {
    const store = idempotencyStore(t.app.deps.db, { renewEveryMs: 100, staleAfterMs: 1_500 });
    const accountId = await alice();
    const first = await store.begin(accountId, 'long-1');
    if (!('claim' in first)) throw new Error('the first request must claim the key');
    const stop = store.hold(accountId, 'long-1', first.claim);
    await sleep(3_000); // twice the stale limit
    // A second request with the key waits for the first rather than taking the claim over.
    const second = store.begin(accountId, 'long-1');
    await sleep(600);
    expect(await store.complete(accountId, 'long-1', first.claim, 'hash-1', 201, { ok: 1 })).toBe(true);
    stop();
    expect(await second).toEqual({ status: 201, body: { ok: 1 }, requestHash: 'hash-1' });
  });

  it('a request whose claim was taken over cannot complete, renew or release the claim of the request that took it', async () => {
    // Renewals far apart: the first request's claim goes stale while it still runs.
    const store = idempotencyStore(t.app.deps.db, { renewEveryMs: 60_000, staleAfterMs: 300 });
    const accountId = await alice();
    const first = await store.begin(accountId, 'taken-1');
    await sleep(800);
    const second = await store.begin(accountId, 'taken-1');
    if (!('claim' in first) || !('claim' in second)) throw new Error('both requests must claim the key in turn');
    expect(second.claim).not.toBe(first.claim);
    expect(await store.complete(accountId, 'taken-1', first.claim, 'hash-first', 200, { from: 'first' })).toBe(false);
    await store.release(accountId, 'taken-1', first.claim);
    const record = () => t.app.deps.db.idempotencyRecord.findUniqueOrThrow({ where: { accountId_key: { accountId, key: 'taken-1' } } });
    expect(await record()).toMatchObject({ claim: second.claim, status: null });
    expect(await store.complete(accountId, 'taken-1', second.claim, 'hash-second', 200, { from: 'second' })).toBe(true);
    expect(await store.begin(accountId, 'taken-1')).toEqual({ status: 200, body: { from: 'second' }, requestHash: 'hash-second' });
  });
});

describe('observability', () => {
  it('/metrics exposes request counts, latencies, queue depths, job outcomes and FFmpeg seconds', async () => {
    const { body } = await t.json('/api/v1/run-ffmpeg-command', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input_files: { in_v: `${origin.url}/clip.mp4` }, output_files: { out_f: 'm.png' }, ffmpeg_command: '-i {{in_v}} -frames:v 1 {{out_f}}' }),
    });
    expect((await t.json(`/api/v1/commands/${body.command_id}?wait=60`)).body.status).toBe('SUCCESS');
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/ffapi_http_requests_total\{method="POST",route="\/api\/v1\/run-ffmpeg-command",status="200"\} \d+/);
    expect(text).toMatch(/ffapi_http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/api\/v1\/commands\/:commandId"\}/);
    expect(text).toMatch(/ffapi_queue_depth\{queue="command.run",state="queued"\} \d+/);
    expect(text).toMatch(/ffapi_job_outcomes_total\{queue="command.run",outcome="completed"\} [1-9]/);
    expect(text).toMatch(/ffapi_ffmpeg_seconds_total\{result="ok"\} [0-9.]+/);
    expect(text).toMatch(/^ffapi_scrape_processes 1$/m);
  });

  it('every error body and response carries the request id', async () => {
    const response = await t.api('/api/v1/files/not-a-file', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(await response.json()).toMatchObject({ error: 'NOT_FOUND', request_id: 'trace-abc-123' });
  });
});
