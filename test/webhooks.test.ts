import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/accounts-service.ts';
import { deliverWebhookJob } from '../src/webhooks/webhook-jobs.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { makeMedia } from './support/media.ts';
import { until } from './support/wait.ts';

let t: TestApp;
let media: Awaited<ReturnType<typeof makeMedia>>;
let receiver: FixtureServer;

beforeAll(async () => {
  [t, media, receiver] = await Promise.all([startTestApp({ env: { WORKER_CONCURRENCY: '4' } }), makeMedia(), startFixtureServer()]);
});
afterAll(async () => {
  await Promise.all([t?.stop(), receiver?.close()]);
});

interface Hit {
  headers: http.IncomingHttpHeaders;
  method: string;
  raw: Buffer;
  body: any;
  commandId: string | undefined;
}
type Answer = number | 'hang' | 'big-body' | 'big-declared-body' | 'stalled-body';

/** A webhook endpoint on the fixture server: records every request; `answer` picks the status (or never answers). */
function endpoint(pathname: string, answer: (hit: Hit, n: number) => Answer = () => 200) {
  const hits: Hit[] = [];
  receiver.route(pathname, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    const hit: Hit = { headers: req.headers, method: req.method ?? '', raw, body, commandId: body?.data?.command_id };
    hits.push(hit);
    const status = answer(hit, hits.length);
    if (status === 'hang') return; // never answers; the socket closes when the caller gives up
    if (status === 'big-declared-body') {
      // An ordinary long page: 100 KB with its Content-Length.
      const page = Buffer.alloc(100_000, 0x61);
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': page.length }).end(page);
      return;
    }
    if (status === 'big-body' || status === 'stalled-body') {
      // 200 at once, then a chunked body: 100 KB (over the 64 KiB the caller reads), or 1 KB and no end.
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < (status === 'big-body' ? 10 : 1); i++) res.write(Buffer.alloc(status === 'big-body' ? 10_000 : 1_000, 0x61));
      if (status === 'big-body') res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
  });
  return { url: `${receiver.url}${pathname}`, hits, of: (commandId: string) => hits.filter((h) => h.commandId === commandId) };
}

/** A fresh account (with the clip uploaded to it), so webhook state never leaks between tests. */
async function account(name: string) {
  const accountName = `${name}-${Date.now()}`;
  const key = await createApiKey(t.app.deps.db, accountName);
  const accountId = (await t.app.deps.db.account.findUniqueOrThrow({ where: { name: accountName } })).id;
  const form = new FormData();
  form.append('file', new Blob([await readFile(media.mp4)]), 'clip.mp4');
  const upload = await t.json('/api/v1/files/upload', { method: 'POST', body: form, key });
  expect(upload.status).toBe(200);
  await t.waitForFile(upload.body.file_id, key);
  const req = (path: string, method: string, body?: unknown) =>
    t.json(path, { method, key, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return {
    key,
    accountId,
    clipId: upload.body.file_id as string,
    put: (body: unknown) => req('/api/v1/webhook-config', 'PUT', body),
    get: async () => (await req('/api/v1/webhook-config', 'GET')).body,
    del: () => req('/api/v1/webhook-config', 'DELETE'),
    post: (path: string, body: unknown) => req(path, 'POST', body),
    command: async (id: string) => (await req(`/api/v1/commands/${id}?wait=60`, 'GET')).body,
  };
}
type Account = Awaited<ReturnType<typeof account>>;

const frameCommand = (a: Account, extra: Record<string, unknown> = {}) => ({
  input_files: { in_video: a.clipId },
  output_files: { out_frame: 'f.png' },
  ffmpeg_command: '-i {{in_video}} -frames:v 1 {{out_frame}}',
  ...extra,
});

async function run(a: Account, extra: Record<string, unknown> = {}) {
  const { status, body } = await a.post('/api/v1/run-ffmpeg-command', frameCommand(a, extra));
  expect(status, JSON.stringify(body)).toBe(200);
  return body.command_id as string;
}


const deliveries = (commandId: string) =>
  t.app.deps.db.webhookDelivery.findMany({ where: { commandId }, orderBy: [{ attempt: 'asc' }, { createdAt: 'asc' }] });
const sign = (raw: Buffer, secret: string) => createHmac('sha256', secret).update(raw).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhook config (REST)', () => {
  it('PUT / GET / DELETE, with validation, auth and tenant isolation', async () => {
    const a = await account('cfg');
    const hook = endpoint('/cfg');
    expect(await a.get()).toEqual({ configured: false });

    const missing = await a.put({ secret: 's' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('INVALID_REQUEST');
    expect((await a.put({ url: 42 })).status).toBe(400);
    for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/', 'http://[::1]/x', 'ftp://127.0.0.1/x', 'not a url']) {
      const refused = await a.put({ url });
      expect(refused.status, url).toBe(422);
      expect(refused.body).toMatchObject({ error: 'VALIDATION_ERROR', detail: [{ loc: ['body', 'url'] }] });
    }
    expect(await a.get()).toEqual({ configured: false });

    for (const method of ['PUT', 'GET', 'DELETE']) {
      const noKey = await t.json('/api/v1/webhook-config', {
        method, key: null, headers: { 'content-type': 'application/json' }, ...(method === 'PUT' ? { body: JSON.stringify({ url: hook.url }) } : {}),
      });
      expect(noKey.status, method).toBe(401);
      expect(noKey.body.error).toBe('UNAUTHORIZED');
    }

    const put = await a.put({ url: hook.url, secret: 'shh' });
    expect(put).toMatchObject({ status: 200, body: { success: true, url: hook.url } });
    expect(await a.get()).toEqual({ configured: true, url: hook.url, is_active: true, consecutive_failures: 0, disabled_at: null });

    // Another account sees nothing, and its DELETE does not touch this one.
    const other = await t.json('/api/v1/webhook-config', { key: t.otherApiKey });
    expect(other.body).toEqual({ configured: false });
    expect((await t.json('/api/v1/webhook-config', { method: 'DELETE', key: t.otherApiKey })).status).toBe(200);
    expect((await a.get()).is_active).toBe(true);

    const deleted = await a.del();
    expect(deleted).toMatchObject({ status: 200, body: { success: true } });
    expect(await a.get()).toMatchObject({ configured: true, url: hook.url, is_active: false });

    // A deactivated webhook gets no delivery.
    const id = await run(a);
    expect((await a.command(id)).status).toBe('SUCCESS');
    await sleep(1000);
    expect(hook.hits).toHaveLength(0);
    expect(await deliveries(id)).toHaveLength(0);

    // PUT brings it back; a PUT without a secret clears the old one.
    expect((await a.put({ url: hook.url })).status).toBe(200);
    expect(await a.get()).toMatchObject({ is_active: true, consecutive_failures: 0 });
    const row = await t.app.deps.db.webhookConfig.findUniqueOrThrow({ where: { accountId: a.accountId } });
    expect(row.secret).toBeNull();
  });
});

describe('webhook config under concurrency', () => {
  it('first PUTs racing on an account with no webhook all answer 200, and one config stands', async () => {
    for (let round = 0; round < 4; round++) {
      const a = await account(`race${round}`);
      const urls = Array.from({ length: 6 }, (_, i) => endpoint(`/race${round}-${i}`).url);
      const answers = await Promise.all(urls.map((url) => a.put({ url })));
      expect(answers.map((x) => x.status), JSON.stringify(answers.map((x) => x.body))).toEqual(Array(6).fill(200));
      const config = await a.get();
      expect(urls).toContain(config.url);
      expect(await t.app.deps.db.webhookConfig.count({ where: { accountId: a.accountId } })).toBe(1);
    }
  });
});

describe.concurrent('webhook delivery', () => {
  it('POSTs {data, timestamp} signed with the secret when a command succeeds, and when one fails', async ({ expect }) => {
    const a = await account('deliver');
    const hook = endpoint('/deliver');
    const secret = 'top-secret-ä';
    expect((await a.put({ url: hook.url, secret })).status).toBe(200);

    const before = Date.now();
    const id = await run(a);
    const command = await a.command(id);
    expect(command.status).toBe('SUCCESS');
    const [hit] = await until('the delivery', () => (hook.of(id).length ? hook.of(id) : null));
    await sleep(1000); // nothing more arrives
    expect(hook.of(id)).toHaveLength(1);
    expect(hit!.method).toBe('POST');
    expect(hit!.headers['content-type']).toMatch(/^application\/json\b/);
    expect(hit!.headers['x-webhook-signature']).toBe(sign(hit!.raw, secret));
    expect(hit!.headers['x-webhook-signature']).not.toBe(sign(hit!.raw, 'wrong'));
    expect(Object.keys(hit!.body).sort()).toEqual(['data', 'timestamp']);
    expect(typeof hit!.body.timestamp).toBe('number');
    expect(hit!.body.timestamp).toBeGreaterThanOrEqual(before);
    expect(hit!.body.timestamp).toBeLessThanOrEqual(Date.now());
    // data is the command exactly as GET /commands/:id shows it.
    expect(hit!.body.data).toEqual((await t.json(`/api/v1/commands/${id}`, { key: a.key })).body);
    expect(hit!.body.data).toMatchObject({ command_id: id, status: 'SUCCESS', output_files: { out_frame: { filename: 'f.png', status: 'STORED' } } });

    const failed = await run(a, { ffmpeg_command: '-i {{in_video}} -frames:v 1 -c:v no_such_encoder {{out_frame}}' });
    expect((await a.command(failed)).status).toBe('FAILED');
    const [failHit] = await until('the FAILED delivery', () => (hook.of(failed).length ? hook.of(failed) : null));
    expect(failHit!.headers['x-webhook-signature']).toBe(sign(failHit!.raw, secret));
    expect(failHit!.body.data).toMatchObject({ command_id: failed, status: 'FAILED', error_status: 'FFMPEG_ERROR', output_files: {} });
    expect(failHit!.body.data.error_message).toMatch(/no_such_encoder/);

    // Each attempt is recorded.
    const rows = await until('the delivery rows', async () => {
      const r = [...(await deliveries(id)), ...(await deliveries(failed))];
      return r.length === 2 ? r : null;
    });
    for (const row of rows) expect(row).toMatchObject({ accountId: a.accountId, url: hook.url, attempt: 1, ok: true, httpStatus: 200, error: null });
  });

  it('a per-command webhook_url wins over the account webhook', async ({ expect }) => {
    const a = await account('percmd');
    const accountHook = endpoint('/percmd-account');
    const commandHook = endpoint('/percmd-command');
    expect((await a.put({ url: accountHook.url, secret: 'acct' })).status).toBe(200);

    const refused = await a.post('/api/v1/run-ffmpeg-command', frameCommand(a, { webhook_url: 'http://10.0.0.1/hook' }));
    expect(refused.status).toBe(422);
    expect(refused.body.detail[0].loc).toEqual(['body', 'webhook_url']);

    // Two outputs, declared out of alias order: data must still be GET's document, key for key.
    const id = await run(a, {
      webhook_url: commandHook.url,
      output_files: { out_z: 'z.png', out_a: 'a.png' },
      ffmpeg_command: '-i {{in_video}} -frames:v 1 {{out_z}} -frames:v 1 -vf scale=32:-2 {{out_a}}',
    });
    expect((await a.command(id)).status).toBe('SUCCESS');
    const [hit] = await until('the per-command delivery', () => (commandHook.of(id).length ? commandHook.of(id) : null));
    expect(hit!.body.data).toMatchObject({ command_id: id, status: 'SUCCESS' });
    expect(Object.keys(hit!.body.data.output_files)).toEqual(['out_a', 'out_z']);
    expect(JSON.stringify(hit!.body.data)).toBe(JSON.stringify((await t.json(`/api/v1/commands/${id}`, { key: a.key })).body));
    // Signed with the account's secret (the only secret there is).
    expect(hit!.headers['x-webhook-signature']).toBe(sign(hit!.raw, 'acct'));
    await sleep(1000);
    expect(accountHook.hits).toHaveLength(0);
    expect(commandHook.of(id)).toHaveLength(1);
    expect((await deliveries(id)).map((d) => d.url)).toEqual([commandHook.url]);

    // A command without one still goes to the account webhook.
    const plain = await run(a);
    await until('the account delivery', () => accountHook.of(plain).length === 1);
  });

  it('retries a failed delivery with backoff; a failed attempt with retries left does not count', async ({ expect }) => {
    const a = await account('retry');
    const hook = endpoint('/retry', (_hit, n) => (n === 1 ? 500 : 200));
    expect((await a.put({ url: hook.url })).status).toBe(200); // no secret

    const id = await run(a);
    expect((await a.command(id)).status).toBe('SUCCESS');
    await until('the first attempt', () => hook.hits.length >= 1);
    await until('its row', async () => (await deliveries(id)).length >= 1);
    // A failed attempt with retries left is not a failed delivery.
    expect(await a.get()).toMatchObject({ is_active: true, consecutive_failures: 0 });
    await until('the retry', () => hook.hits.length >= 2, 20_000);
    expect(hook.of(id)).toHaveLength(2);
    expect(hook.hits[0]!.headers['x-webhook-signature']).toBeUndefined();
    // Each attempt is rebuilt with its own timestamp, the command is the same.
    expect(hook.hits[1]!.body.data).toEqual(hook.hits[0]!.body.data);
    expect(hook.hits[1]!.body.timestamp).toBeGreaterThan(hook.hits[0]!.body.timestamp);

    const rows = await until('two delivery rows', async () => {
      const r = await deliveries(id);
      return r.length === 2 ? r : null;
    });
    expect(rows.map((r) => [r.attempt, r.ok, r.httpStatus])).toEqual([[1, false, 500], [2, true, 200]]);
    expect(rows[0]!.error).toMatch(/500/);
    expect(await a.get()).toMatchObject({ is_active: true, consecutive_failures: 0, disabled_at: null });
    await sleep(4000); // no further attempt after the success
    expect(hook.hits).toHaveLength(2);
  });

  it('a delivery still being retried has not failed: three failed attempts leave the count at 0', async ({ expect }) => {
    const a = await account('one-delivery');
    const hook = endpoint('/one-delivery', () => 500);
    expect((await a.put({ url: hook.url })).status).toBe(200);
    const id = await run(a);
    // Backoff of 2 s, then 4 s: the third attempt comes about 6 s after the first.
    await until('three failed attempts', () => hook.of(id).length >= 3, 25_000);
    await until('their rows', async () => (await deliveries(id)).length >= 3);
    expect(await a.get()).toMatchObject({ is_active: true, consecutive_failures: 0, disabled_at: null });
  });

  it('a receiver down for a moment while 8 commands end: every notification still arrives, the webhook stays on', async ({ expect }) => {
    const a = await account('blip');
    const firstAttempts = new Set<string>();
    // 503 until it has seen a first attempt of all 8 commands, then 200: each retry (2 s later) arrives.
    const hook = endpoint('/blip', (hit) => {
      if (hit.commandId) firstAttempts.add(hit.commandId);
      return firstAttempts.size >= 8 && hook.of(hit.commandId!).length > 1 ? 200 : 503;
    });
    expect((await a.put({ url: hook.url })).status).toBe(200);
    const batch = await a.post('/api/v1/run-multiple-ffmpeg-commands', { commands: Array.from({ length: 8 }, () => frameCommand(a)) });
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    const ids: string[] = batch.body.command_ids;
    const delivered = async () => {
      const rows = await t.app.deps.db.webhookDelivery.findMany({ where: { commandId: { in: ids }, ok: true } });
      return new Set(rows.map((r) => r.commandId)).size === ids.length;
    };
    await until('all 8 delivered', delivered, 60_000);
    expect(await a.get()).toMatchObject({ is_active: true, consecutive_failures: 0, disabled_at: null });
  }, 90_000);

  it('a receiver whose answer body is too big or never ends does not take the service down', async ({ expect }) => {
    for (const kind of ['big-body', 'big-declared-body', 'stalled-body'] as const) {
      const a = await account(kind);
      const hook = endpoint(`/${kind}`, () => kind);
      expect((await a.put({ url: hook.url })).status).toBe(200);
      const id = await run(a);
      const [row] = await until(`the ${kind} delivery row`, async () => {
        const r = await deliveries(id);
        return r.length ? r : null;
      });
      // The status decides; the body is not read.
      expect(row).toMatchObject({ attempt: 1, ok: true, httpStatus: 200, error: null });
    }
    // Past the 10 s timeout a stalled body would have fired; the service is still here.
    await sleep(11_000);
    expect((await t.json('/healthz')).status).toBe(200);
  }, 60_000);

  it('a receiver that never answers is a failure after the 10 s timeout; the retry then succeeds', async ({ expect }) => {
    const a = await account('timeout');
    const hook = endpoint('/timeout', (_hit, n) => (n === 1 ? 'hang' : 200));
    expect((await a.put({ url: hook.url })).status).toBe(200);

    const id = await run(a);
    const [first] = await until('the timed-out attempt', async () => {
      const r = await deliveries(id);
      return r.length ? r : null;
    }, 25_000);
    expect(first).toMatchObject({ attempt: 1, ok: false, httpStatus: null });
    expect(first!.error).toMatch(/longer than 10000 ms|timed out/i);
    expect(first!.durationMs).toBeGreaterThanOrEqual(9_000);
    expect(first!.durationMs).toBeLessThan(15_000);
    await until('the retry', () => hook.of(id).length >= 2, 20_000);
    const rows = await until('the successful retry row', async () => {
      const r = await deliveries(id);
      return r.length >= 2 ? r : null;
    });
    expect(rows[1]).toMatchObject({ attempt: 2, ok: true, httpStatus: 200 });
    await until('consecutive_failures back to 0', async () => (await a.get()).consecutive_failures === 0);
  });
});

// Not among the concurrent tests above: it shortens the delivery queue's retry policy for a while.
describe('webhook switch-off', () => {
  it('disables the account webhook after 8 consecutive failed deliveries; a success resets the count; a PUT re-enables it', async ({ expect }) => {
    // Two attempts a delivery, 1 s apart (the default is 8, over about 8 minutes); new jobs take the
    // queue's policy when they are sent.
    const boss = t.app.deps.queue.boss;
    await boss.updateQueue(deliverWebhookJob.name, { retryLimit: 1, retryDelay: 1, retryBackoff: false });
    try {
      const a = await account('disable');
      let status = 500;
      const hook = endpoint('/disable', () => status);
      expect((await a.put({ url: hook.url, secret: 'x' })).status).toBe(200);

      // One delivery fails on both attempts and counts; the next succeeds and resets the count.
      const first = await run(a);
      await until('the failed delivery to count', async () => (await a.get()).consecutive_failures === 1, 20_000);
      expect((await deliveries(first)).map((r) => [r.attempt, r.ok])).toEqual([[1, false], [2, false]]);
      status = 200;
      const second = await run(a);
      await until('the success to reset the count', async () => (await a.get()).consecutive_failures === 0, 20_000);
      expect(hook.of(second)).toHaveLength(1);
      status = 500;

      const batch = await a.post('/api/v1/run-multiple-ffmpeg-commands', { commands: Array.from({ length: 8 }, () => frameCommand(a)) });
      expect(batch.status, JSON.stringify(batch.body)).toBe(200);
      const config = await until('the webhook to be disabled', async () => {
        const c = await a.get();
        return c.is_active === false ? c : null;
      }, 40_000);
      expect(config.consecutive_failures).toBeGreaterThanOrEqual(8);
      expect(Date.parse(config.disabled_at)).toBeGreaterThan(Date.now() - 60_000);
      const batchIds: string[] = batch.body.command_ids;
      for (const id of batchIds) expect((await deliveries(id)).map((r) => [r.attempt, r.ok, r.httpStatus])).toEqual([[1, false, 500], [2, false, 500]]);
      // While disabled: nothing is sent.
      const quiet = await run(a);
      expect((await a.command(quiet)).status).toBe('SUCCESS');
      await sleep(1500);
      expect(hook.of(quiet)).toHaveLength(0);
      expect(await deliveries(quiet)).toHaveLength(0);

      // PUT re-enables, and the next command is delivered.
      status = 200;
      expect((await a.put({ url: hook.url, secret: 'x' })).status).toBe(200);
      expect(await a.get()).toEqual({ configured: true, url: hook.url, is_active: true, consecutive_failures: 0, disabled_at: null });
      const next = await run(a);
      await until('the delivery after re-enabling', () => hook.of(next).length === 1);
      const [row] = await until('its row', async () => {
        const r = await deliveries(next);
        return r.length ? r : null;
      });
      expect(row).toMatchObject({ ok: true, httpStatus: 200, attempt: 1 });
    } finally {
      await boss.updateQueue(deliverWebhookJob.name, {
        retryLimit: deliverWebhookJob.options.retryLimit,
        retryDelay: deliverWebhookJob.options.retryDelay,
        retryBackoff: deliverWebhookJob.options.retryBackoff,
      });
    }
  });
});
