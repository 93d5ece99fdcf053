import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../src/accounts/accounts-service.ts';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import type { TestS3 } from './s3.ts';

export interface TestApp {
  app: App;
  url: string;
  database: TestDatabase;
  dataDir: string;
  /** Keys of two accounts, to show tenant isolation. */
  apiKey: string;
  otherApiKey: string;
  api(pathname: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  json<T = any>(pathname: string, init?: RequestInit & { key?: string | null }): Promise<{ status: number; body: T; headers: Headers }>;
  graphql<T = any>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<{ status: number; data?: T; errors?: any[] }>;
  waitForFile(fileId: string, key?: string, timeoutMs?: number): Promise<any>;
  /** Uploads a file from disk and waits until it is STORED (or FAILED); returns it as GET shows it. */
  uploadAndWait(file: string, name?: string): Promise<any>;
  stop(): Promise<void>;
}

/** A whole service (all roles) on its own database and data dir, on a free port. */
export async function startTestApp(opts: { s3?: TestS3; env?: Record<string, string> } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-data-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    OUTBOUND_ALLOW: '127.0.0.1/32',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(opts.s3?.env ?? {}),
    ...(opts.env ?? {}),
  });
  const app = await startApp(config, { log: createLogger(config.logLevel), authCacheMs: 0 });
  const apiKey = await createApiKey(app.deps.db, 'alice');
  const otherApiKey = await createApiKey(app.deps.db, 'bob');

  const api: TestApp['api'] = (pathname, init = {}) => {
    const { key = apiKey, headers, ...rest } = init;
    const merged = new Headers(headers);
    if (key) merged.set('X-API-KEY', key);
    return fetch(`${app.url}${pathname}`, { redirect: 'manual', ...rest, headers: merged });
  };
  const json: TestApp['json'] = async (pathname, init) => {
    const response = await api(pathname, init);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  const graphql: TestApp['graphql'] = async (query, variables, key = apiKey) => {
    const { status, body } = await json('/graphql', {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status, data: body?.data, errors: body?.errors };
  };
  const waitForFile: TestApp['waitForFile'] = async (fileId, key = apiKey, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await json(`/api/v1/files/${fileId}`, { key });
      if (status !== 200) throw new Error(`GET file ${fileId}: ${status} ${JSON.stringify(body)}`);
      if (body.status !== 'PROCESSING') return body;
      if (Date.now() > deadline) throw new Error(`file ${fileId} still PROCESSING after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const uploadAndWait: TestApp['uploadAndWait'] = async (file, name = path.basename(file)) => {
    const form = new FormData();
    form.append('file', new Blob([await readFile(file)]), name);
    const { status, body } = await json('/api/v1/files/upload', { method: 'POST', body: form });
    if (status !== 200) throw new Error(`upload of ${name}: ${status} ${JSON.stringify(body)}`);
    return waitForFile(body.file_id);
  };

  return {
    app,
    url: app.url,
    database,
    dataDir,
    apiKey,
    otherApiKey,
    api,
    json,
    graphql,
    waitForFile,
    uploadAndWait,
    async stop() {
      await app.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
