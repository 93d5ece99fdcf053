import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';

let t: TestApp;
let origin: FixtureServer;
beforeAll(async () => {
  [t, origin] = await Promise.all([startTestApp(), startFixtureServer()]);
});
afterAll(async () => {
  await Promise.all([t?.stop(), origin?.close()]);
});

async function upload(name: string, body: string, type?: string): Promise<any> {
  const form = new FormData();
  form.append('file', new Blob([body], type ? { type } : {}), name);
  const { body: created } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
  return t.waitForFile(created.file_id);
}

describe('serving user bytes from the API origin', () => {
  it('HTML and SVG are downloads, never pages: attachment, nosniff, a sandboxing CSP', async () => {
    for (const [name, type] of [['page.html', 'text/html'], ['logo.svg', 'image/svg+xml'], ['noext', 'text/html']]) {
      const file = await upload(name!, '<script>alert(1)</script>', type);
      const response = await fetch(file.storage_url);
      expect(response.headers.get('content-disposition'), name).toMatch(/^attachment;/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toMatch(/sandbox/);
    }
  });
});

describe('requests refused after the file arrived', () => {
  it('a multipart body that breaks after a complete file part is 400 and keeps nothing', async () => {
    const rowsBefore = await t.app.deps.db.file.count();
    const boundary = 'XyZ';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="other"\r\n\r\nunterminated`;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${t.url}/api/v1/files/upload`, {
        method: 'POST',
        headers: { 'x-api-key': t.apiKey, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(400);
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore);
  });

  it('a form field longer than 64 KiB is refused, not silently cut', async () => {
    const form = new FormData();
    form.append('file_url', `${origin.url}/${'a'.repeat(70_000)}`);
    const { status } = await t.json('/api/v1/files', { method: 'POST', body: form });
    expect(status).toBe(400);
  });

  it('a form field longer than 64 KiB before the file is refused at once and stores nothing', async () => {
    const rowsBefore = await t.app.deps.db.file.count();
    const form = new FormData();
    form.append('note', 'n'.repeat(70_000));
    // Larger than one chunk of the body, so the part is still open when the field is refused.
    form.append('file', new Blob([Buffer.alloc(1024 * 1024, 0x61)]), 'a.txt');
    const { status, body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form, signal: AbortSignal.timeout(5_000) });
    expect(status).toBe(400);
    expect(body.error).toBe('INVALID_REQUEST');
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore);
  });

  it('deleting a file while it is still PROCESSING ends it FAILED (DELETED), so pollers stop', async () => {
    origin.route('/hangs.mp4', () => undefined); // never answers
    const { body } = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_url: `${origin.url}/hangs.mp4` }),
    });
    expect((await t.json(`/api/v1/files/${body.file_id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.json(`/api/v1/files/${body.file_id}`)).body).toMatchObject({ status: 'FAILED', error_status: 'DELETED', is_deleted: true });
  });

  it('a DELETE racing the probe leaves a consistent record and no bytes: never a stored file marked FAILED', async () => {
    // Fault injection on the real storage: the DELETE's byte removal waits (up to 3 s) for the probe to
    // store the file, which puts the probe's write between the DELETE's read and its record update.
    const storage = t.app.deps.storage;
    const deletePrefix = storage.deletePrefix;
    const db = t.app.deps.db;
    storage.deletePrefix = async (prefix) => {
      const id = prefix.split('/')[1]!;
      for (let i = 0; i < 60 && (await db.file.findUniqueOrThrow({ where: { id } })).status === 'PROCESSING'; i++) await new Promise((r) => setTimeout(r, 50));
      return deletePrefix.call(storage, prefix);
    };
    try {
      const form = new FormData();
      form.append('file', new Blob(['not media, but stored all the same']), 'racing.txt');
      const { body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
      expect((await t.json(`/api/v1/files/${body.file_id}`, { method: 'DELETE' })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 500)); // a probe still running may finish
      const file = (await t.json(`/api/v1/files/${body.file_id}`)).body;
      expect(file.is_deleted).toBe(true);
      // Either the DELETE came first (FAILED, DELETED, never stored) or the probe did (STORED, deleted).
      if (file.status === 'FAILED') expect(file).toMatchObject({ error_status: 'DELETED', file_type: null });
      else expect(file).toMatchObject({ status: 'STORED', error_status: null, file_type: 'other' });
      const keys: string[] = [];
      for await (const object of storage.list()) keys.push(object.key);
      expect(keys.filter((key) => key.includes(body.file_id))).toEqual([]);
    } finally {
      storage.deletePrefix = deletePrefix;
    }
  });

  it('deleting a file mid-import stops the download at once, and nothing is stored', async () => {
    let streaming: (() => void) | undefined;
    const started = new Promise<void>((resolve) => (streaming = resolve));
    let closedAt = 0;
    // Half of a large body, then nothing: the import would wait for the rest until its timeout.
    origin.route('/trickle.mp4', (req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(50 * 1024 * 1024) });
      res.write(Buffer.alloc(1024 * 1024), () => streaming!());
      req.socket.once('close', () => (closedAt = Date.now()));
    });
    const { body } = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_url: `${origin.url}/trickle.mp4` }),
    });
    await started;
    await new Promise((r) => setTimeout(r, 200)); // the bytes are on their way into storage
    const deletedAt = Date.now();
    expect((await t.json(`/api/v1/files/${body.file_id}`, { method: 'DELETE' })).status).toBe(200);
    for (let i = 0; i < 50 && closedAt === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(closedAt).toBeGreaterThan(0);
    expect(closedAt - deletedAt).toBeLessThan(3_000);
    expect(await t.app.deps.storage.stat(`${(await t.app.deps.db.file.findUniqueOrThrow({ where: { id: body.file_id } })).accountId}/${body.file_id}/trickle.mp4`)).toBeNull();
  });
});

describe('a DELETE whose storage fails', () => {
  it('is still 200 once the record is deleted (its bytes are the sweep\'s), not a 503 that a retry answers 404', async () => {
    const file = await upload('x.txt', 'hello', 'text/plain');
    const { storage } = t.app.deps;
    const deletePrefix = storage.deletePrefix;
    storage.deletePrefix = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' });
    };
    let first;
    try {
      first = await t.json(`/api/v1/files/${file.file_id}`, { method: 'DELETE' });
    } finally {
      storage.deletePrefix = deletePrefix;
    }
    expect(first).toMatchObject({ status: 200, body: { deleted: true, file_id: file.file_id } });
    expect((await t.json(`/api/v1/files/${file.file_id}`)).body).toMatchObject({ is_deleted: true, storage_url: null });
  });
});

describe('GraphQL over WebSocket', () => {
  it('a syntax error ends that operation only; the socket keeps serving', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: any[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { 'X-API-KEY': t.apiKey } })));
      ws.on('message', (data) => {
        const message = JSON.parse(String(data));
        messages.push(message);
        if (message.type === 'connection_ack') {
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { fileStatus(fileId: "x") {' } }));
          ws.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query: '{ files { total } }' } }));
        }
        if (message.id === '2' && message.type === 'complete') resolve();
      });
    });
    ws.close();
    expect(messages.find((m) => m.id === '1')).toMatchObject({ type: 'error' });
    expect(messages.find((m) => m.id === '2' && m.type === 'next')?.payload.data.files.total).toBeGreaterThanOrEqual(0);
  });
});
