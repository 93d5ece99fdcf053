import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { until } from './support/wait.ts';
import { ingestJob } from '../src/files/file-jobs.ts';

const LIMIT = 256 * 1024;
let t: TestApp;
let origin: FixtureServer;
let denied: FixtureServer;
let shortOrigin: net.Server;

beforeAll(async () => {
  // 127.0.0.2 is loopback but outside the test allow-list (127.0.0.1/32): the "internal" host.
  [t, origin, denied] = await Promise.all([
    startTestApp({ env: { MAX_FILE_BYTES: String(LIMIT) } }),
    startFixtureServer(),
    startFixtureServer('127.0.0.2'),
  ]);
  denied.route('/secret', (_req, res) => void res.writeHead(200).end('internal secret'));
  origin.route('/missing.mp4', (_req, res) => void res.writeHead(404).end());
  origin.route('/big.bin', (_req, res) => void res.writeHead(200, { 'content-length': LIMIT * 2 }).end(randomBytes(LIMIT * 2)));
  origin.route('/big-chunked.bin', (_req, res) => {
    res.writeHead(200);
    for (let i = 0; i < 8; i++) res.write(randomBytes(LIMIT / 2));
    res.end();
  });
  origin.route('/partial.bin', (_req, res) => void res.writeHead(206, { 'content-range': 'bytes 0-99/1000', 'content-length': 100 }).end(randomBytes(100)));
  origin.route('/gzipped.bin', (req, res) => {
    origin.hits.push(`accept-encoding: ${req.headers['accept-encoding']}`);
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(randomBytes(1000)));
  });
  // Declares 5000 bytes, sends 1000, closes: the body fails while the import is still opening its file.
  shortOrigin = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n'), randomBytes(1000)])));
  });
  await new Promise<void>((resolve) => shortOrigin.listen(0, '127.0.0.1', resolve));
  origin.route('/to-internal', (_req, res) => void res.writeHead(302, { location: `${denied.url}/secret` }).end());
  let flaky = 0;
  origin.route('/flaky.txt', (_req, res) => {
    flaky += 1;
    if (flaky === 1) res.writeHead(503).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('hello after a retry\n');
  });
});
afterAll(async () => {
  shortOrigin?.close();
  await Promise.all([t?.stop(), origin?.close(), denied?.close()]);
});

async function storeFile(url: string) {
  const { status, body } = await t.json('/api/v1/files/store-file', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ file_url: url }),
  });
  expect(status).toBe(200);
  return t.waitForFile(body.file_id, t.apiKey, 60_000);
}

async function filesOnDisk(): Promise<string[]> {
  const root = path.join(t.dataDir, 'storage');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('imports that fail later end FAILED with a reason', () => {
  it('an HTTP 404 from the origin is UNREACHABLE_INPUT_FILE', async () => {
    const file = await storeFile(`${origin.url}/missing.mp4`);
    expect(file).toMatchObject({ status: 'FAILED', error_status: 'UNREACHABLE_INPUT_FILE', storage_url: null });
    expect(file.error_message).toMatch(/404/);
  });

  it('an origin that closes before its declared length is UNREACHABLE_INPUT_FILE (the service lives on)', async () => {
    const { port } = shortOrigin.address() as net.AddressInfo;
    const file = await storeFile(`http://127.0.0.1:${port}/short.mp4`);
    expect(file).toMatchObject({ status: 'FAILED', error_status: 'UNREACHABLE_INPUT_FILE', storage_url: null });
    expect((await t.json('/healthz')).status).toBe(200);
  }, 90_000);

  it('a 206 to a plain GET is not the whole file: UNREACHABLE_INPUT_FILE, nothing stored', async () => {
    const file = await storeFile(`${origin.url}/partial.bin`);
    expect(file).toMatchObject({ status: 'FAILED', error_status: 'UNREACHABLE_INPUT_FILE', storage_url: null });
    expect(file.error_message).toMatch(/206/);
  });

  it('asks for the bytes as they are (identity); a compressed answer is refused, not stored compressed', async () => {
    const file = await storeFile(`${origin.url}/gzipped.bin`);
    expect(file).toMatchObject({ status: 'FAILED', error_status: 'UNREACHABLE_INPUT_FILE', storage_url: null });
    expect(file.error_message).toMatch(/Content-Encoding gzip/);
    expect(origin.hits).toContain('accept-encoding: identity');
  });

  it('a body over MAX_FILE_BYTES is FILE_TOO_LARGE (declared or counted) and leaves no bytes', async () => {
    const before = await filesOnDisk();
    for (const name of ['big.bin', 'big-chunked.bin']) {
      const file = await storeFile(`${origin.url}/${name}`);
      expect(file, name).toMatchObject({ status: 'FAILED', error_status: 'FILE_TOO_LARGE' });
    }
    expect(await filesOnDisk()).toEqual(before);
  });

  it('a redirect from an allowed host to an internal one is refused; the internal host is never contacted', async () => {
    const file = await storeFile(`${origin.url}/to-internal`);
    expect(file).toMatchObject({ status: 'FAILED', error_status: 'UNREACHABLE_INPUT_FILE' });
    expect(denied.hits).toEqual([]);
  });

  it('a transient 503 is retried with backoff and then succeeds', async () => {
    const file = await storeFile(`${origin.url}/flaky.txt`);
    expect(file).toMatchObject({ status: 'STORED', file_type: 'other', mime_type: 'text/plain', duration: null });
    expect(origin.hits.filter((h) => h === '/flaky.txt')).toHaveLength(2);
  });
});

describe('uploads over MAX_FILE_BYTES', () => {
  it('REST upload is 413 and leaves no record and no bytes', async () => {
    const rowsBefore = await t.app.deps.db.file.count();
    const diskBefore = await filesOnDisk();
    const form = new FormData();
    form.append('file', new Blob([randomBytes(LIMIT + 1)]), 'too-big.bin');
    const { status, body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
    expect(status).toBe(413);
    expect(body.error).toBe('PAYLOAD_TOO_LARGE');
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore);
    expect(await filesOnDisk()).toEqual(diskBefore);
  });

  it('exactly MAX_FILE_BYTES is accepted', async () => {
    const form = new FormData();
    form.append('file', new Blob([randomBytes(LIMIT)]), 'just-fits.bin');
    const { status, body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
    expect(status).toBe(200);
    expect(await t.waitForFile(body.file_id)).toMatchObject({ status: 'STORED', size_mbytes: 0.25 });
  });

  it('GraphQL uploadFile is PAYLOAD_TOO_LARGE and leaves nothing behind', async () => {
    const rowsBefore = await t.app.deps.db.file.count();
    const diskBefore = await filesOnDisk();
    const form = new FormData();
    form.append('operations', JSON.stringify({
      query: 'mutation ($file: Upload!) { uploadFile(file: $file) { fileId } }',
      variables: { file: null },
    }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('0', new Blob([randomBytes(LIMIT * 3)]), 'too-big.bin');
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'x-api-key': t.apiKey }, body: form });
    const body = (await response.json()) as any;
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore);
    expect(await filesOnDisk()).toEqual(diskBefore);
  });

  it('a JSON body over 1 MiB is 413', async () => {
    const { status, body } = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_url: `http://example.com/${'a'.repeat(2 * 1024 * 1024)}` }),
    });
    expect(status).toBe(413);
    expect(body.error).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe("retries follow the job's own limit", () => {
  it('an import whose job was given attempts back (as a shutdown does) uses them before it fails', async () => {
    const boss = t.app.deps.queue.boss;
    await boss.updateQueue(ingestJob.name, { retryDelay: 1, retryBackoff: false });
    try {
      let hits = 0;
      origin.route('/down.bin', (_req, res) => {
        hits += 1;
        res.writeHead(503).end();
      });
      const { status, body } = await t.json('/api/v1/files/store-file', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ file_url: `${origin.url}/down.bin` }),
      });
      expect(status).toBe(200);
      await until('the first attempt', async () => hits >= 1);
      // What two released attempts leave on the row: pg-boss retries while retry_count < retry_limit.
      await boss.getDb().executeSql(
        `UPDATE pgboss.job SET retry_limit = retry_limit + 2 WHERE name = $1 AND data->>'fileId' = $2`,
        [ingestJob.name, body.file_id],
      );
      const file = await t.waitForFile(body.file_id, t.apiKey, 60_000);
      expect(file).toMatchObject({ status: 'FAILED', error_status: 'UNREACHABLE_INPUT_FILE' });
      expect(hits).toBe(1 + ingestJob.options.retryLimit! + 2);
    } finally {
      await boss.updateQueue(ingestJob.name, { retryDelay: ingestJob.options.retryDelay, retryBackoff: ingestJob.options.retryBackoff });
    }
  }, 90_000);
});
