// The in-memory cache of finished files (src/files/file-cache.ts): a second API process on the same
// database sees every change through NOTIFY, tenants stay apart, a lost listener connection makes
// the cache step aside, a row read while its file changed is not kept, and entries expire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createFileCache } from '../src/files/file-cache.ts';
import { createLogger } from '../src/platform/logger.ts';
import { withClient } from './support/database.ts';
import { makeMedia } from './support/media.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { until } from './support/wait.ts';

let t: TestApp;
let second: App;
let media: Awaited<ReturnType<typeof makeMedia>>;

beforeAll(async () => {
  [t, media] = await Promise.all([startTestApp(), makeMedia()]);
  const config = loadConfig({ DATABASE_URL: t.database.url, DATA_DIR: t.dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ROLE: 'api' });
  second = await startApp(config, { log: createLogger(config.logLevel), authCacheMs: 0 });
});

afterAll(async () => {
  await second?.stop();
  await t?.stop();
});

const getVia = async (base: string, fileId: string, key = t.apiKey) => {
  const response = await fetch(`${base}/api/v1/files/${fileId}`, { headers: { 'X-API-KEY': key } });
  return { status: response.status, body: (await response.json()) as any };
};

/**
 * Uploads and waits until the file is STORED and the second process has heard so: an event heard after
 * that process's first read would rightly drop the row the read kept, and the test would read again.
 */
async function uploadHeardBySecond(file: string, name: string) {
  const heard = new Set<string>();
  const stop = second.deps.events.watchTopic('file', (event) => {
    if (event?.status === 'STORED') heard.add(event.id);
  });
  try {
    const stored = await t.uploadAndWait(file, name);
    await until('the second process to hear the file STORED', () => heard.has(stored.file_id), 2_000, 10);
    return stored;
  } finally {
    stop();
  }
}

const renameBehindTheCachesBack = (fileId: string, filename: string) =>
  withClient(t.database.url, (c) => c.query('UPDATE files SET filename = $1 WHERE id = $2', [filename, fileId]));

describe('finished files served from memory', () => {
  it('serves a STORED file from memory, and a delete through another process shows there at once', async () => {
    const file = await uploadHeardBySecond(media.png, 'still.png');
    expect((await getVia(second.url, file.file_id)).body.filename).toBe('still.png');
    // A change no event announces (nothing in the service does this) stays unseen: proof of the cache.
    await renameBehindTheCachesBack(file.file_id, 'renamed.png');
    expect((await getVia(second.url, file.file_id)).body.filename).toBe('still.png');

    expect((await t.json(`/api/v1/files/${file.file_id}`, { method: 'DELETE' })).status).toBe(200);
    const here = await getVia(t.url, file.file_id);
    expect(here.body).toMatchObject({ is_deleted: true, storage_url: null });
    await until('the delete to reach the second process', async () => (await getVia(second.url, file.file_id)).body.is_deleted === true, 2_000, 10);
    expect((await getVia(second.url, file.file_id)).body).toMatchObject({ filename: 'renamed.png', is_deleted: true, storage_url: null });
  });

  it('never shows a cached file to another account', async () => {
    const file = await t.uploadAndWait(media.txt, 'mine.txt');
    expect((await getVia(second.url, file.file_id)).status).toBe(200);
    const other = await getVia(second.url, file.file_id, t.otherApiKey);
    expect(other).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
  });

  it('shows deleted command outputs as deleted in every process', async () => {
    const clip = await t.uploadAndWait(media.mp4, 'clip.mp4');
    const run = await t.json('/api/v1/run-ffmpeg-command', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input_files: { in_v: clip.file_id }, output_files: { out_a: 'a.png' }, ffmpeg_command: '-i {{in_v}} -frames:v 1 {{out_a}}' }),
    });
    const command = (await t.json(`/api/v1/commands/${run.body.command_id}?wait=60`)).body;
    const output = command.output_files.out_a;
    expect(output.status).toBe('STORED');
    expect((await getVia(second.url, output.file_id)).body.is_deleted).toBe(false);
    expect((await t.json(`/api/v1/commands/${run.body.command_id}/files`, { method: 'DELETE' })).body.files_deleted).toBe(1);
    await until('the output delete to reach the second process', async () => (await getVia(second.url, output.file_id)).body.is_deleted === true, 2_000, 10);
  });

  it('steps aside when its listener connection is lost, and reads the database again', async () => {
    const file = await uploadHeardBySecond(media.txt, 'before.txt');
    expect((await getVia(second.url, file.file_id)).body.filename).toBe('before.txt');
    await renameBehindTheCachesBack(file.file_id, 'after.txt');
    expect((await getVia(second.url, file.file_id)).body.filename).toBe('before.txt');
    // Every LISTEN connection on this database, both processes': changes may be missed from now on.
    await withClient(t.database.url, (c) =>
      c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`),
    );
    await until('a read from the database', async () => (await getVia(second.url, file.file_id)).body.filename === 'after.txt', 3_000, 10);
    await until('the listener to reconnect', () => second.deps.events.listening, 5_000, 10);
    expect((await getVia(second.url, file.file_id)).body.filename).toBe('after.txt');
  });

  it('keeps no row read while its file changed, and no row of a file still PROCESSING', async () => {
    const file = await t.uploadAndWait(media.txt, 'race.txt');
    const row = await t.app.deps.db.file.findFirstOrThrow({ where: { id: file.file_id } });
    const cache = createFileCache(t.app.deps.events);
    let loads = 0;
    const load = async () => {
      loads++;
      return row;
    };
    await cache.get(row.accountId, row.id, async () => {
      await t.app.deps.events.publish({ topic: 'file', id: row.id, status: 'CHANGED' });
      return row;
    });
    await cache.get(row.accountId, row.id, load);
    expect(loads).toBe(1); // the first read overlapped a change, so it was not kept
    await cache.get(row.accountId, row.id, load);
    expect(loads).toBe(1); // the second was kept
    expect(await cache.get('00000000-0000-0000-0000-000000000000', row.id, async () => null)).toBeNull();

    // Entries expire, so a change whose NOTIFY was lost is outlived.
    const shortLived = createFileCache(t.app.deps.events, { maxAgeMs: 100 });
    let shortLoads = 0;
    const loadShort = async () => (shortLoads++, row);
    await shortLived.get(row.accountId, row.id, loadShort);
    await shortLived.get(row.accountId, row.id, loadShort);
    expect(shortLoads).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    await shortLived.get(row.accountId, row.id, loadShort);
    expect(shortLoads).toBe(2);

    const processing = { ...row, id: '11111111-1111-4111-8111-111111111111', status: 'PROCESSING' as const };
    let processingLoads = 0;
    for (let i = 0; i < 3; i++) await cache.get(row.accountId, processing.id, async () => (processingLoads++, processing));
    expect(processingLoads).toBe(3);
  });

  it('a process hears its own event once (at publish, not again from its NOTIFY), another process once', async () => {
    const id = '22222222-2222-4222-8222-222222222222';
    const heard = { own: 0, other: 0 };
    const stopOwn = t.app.deps.events.watchTopic('file', (event) => event?.id === id && heard.own++);
    const stopOther = second.deps.events.watchTopic('file', (event) => event?.id === id && heard.other++);
    const ownEcho = t.app.deps.events.subscribe('file', id);
    try {
      await t.app.deps.events.publish({ topic: 'file', id, status: 'STORED' });
      expect(heard.own).toBe(1);
      // The subscription is fed by the NOTIFY only: once it has the event, the echo has come back.
      expect((await ownEcho.next()).value).toEqual({ topic: 'file', id, status: 'STORED' });
      await until('the other process to hear it', () => heard.other === 1, 2_000, 10);
      expect(heard).toEqual({ own: 1, other: 1 });
    } finally {
      stopOwn();
      stopOther();
      await ownEcho.return();
    }
  });
});
