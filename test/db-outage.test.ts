import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/accounts-service.ts';
import { startApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/platform/embedded-postgres.ts';
import { createLogger } from '../src/platform/logger.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { freePort } from './support/service-process.ts';

// A Postgres of this test's own (a fixed port, so it can be stopped and started again under the
// same URL) behind a whole service: the service must answer 503 while it is down and recover alone.
let dir: string;
let port: number;
let pg: EmbeddedPostgres;
let app: App;
let key: string;
let origin: FixtureServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-outage-'));
  port = await freePort();
  [pg, origin] = await Promise.all([startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port }), startFixtureServer()]);
  origin.route('/note.txt', (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('back again\n'));
  const config = loadConfig({
    DATABASE_URL: pg.url, DATA_DIR: path.join(dir, 'data'), PORT: '0', HOST: '127.0.0.1',
    OUTBOUND_ALLOW: '127.0.0.1/32', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  app = await startApp(config, { log: createLogger(config.logLevel), authCacheMs: 0 });
  key = await createApiKey(app.deps.db, 'outage');
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await pg?.stop();
  await origin?.close();
  await rm(dir, { recursive: true, force: true });
});

const files = () => fetch(`${app.url}/api/v1/files`, { headers: { 'X-API-KEY': key } });

describe('while Postgres is down', () => {
  it('requests fail fast with 503 SERVICE_UNAVAILABLE, /readyz says so, and the service recovers by itself', async () => {
    expect((await files()).status).toBe(200);
    await pg.stop();

    const started = Date.now();
    const down = await files();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', database: 'unavailable', storage: 'ok' });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const graphql = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: '{ files { total } }' }),
    });
    expect(((await graphql.json()) as any).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');

    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port });
    const deadline = Date.now() + 30_000;
    let status = 503;
    while (status !== 200 && Date.now() < deadline) {
      status = (await files()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

    // Jobs and events work again too: an import goes all the way to STORED.
    const stored = await fetch(`${app.url}/api/v1/files/store-file`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-API-KEY': key },
      body: JSON.stringify({ file_url: `${origin.url}/note.txt` }),
    });
    const { file_id: fileId } = (await stored.json()) as { file_id: string };
    let file: any;
    const until = Date.now() + 30_000;
    do {
      file = await (await fetch(`${app.url}/api/v1/files/${fileId}`, { headers: { 'X-API-KEY': key } })).json();
      if (file.status === 'PROCESSING') await new Promise((r) => setTimeout(r, 100));
    } while (file.status === 'PROCESSING' && Date.now() < until);
    expect(file).toMatchObject({ status: 'STORED', file_type: 'other' });
  }, 120_000);
});
