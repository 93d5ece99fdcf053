import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { makeMedia } from './support/media.ts';

let t: TestApp;
let media: Awaited<ReturnType<typeof makeMedia>>;
let origin: FixtureServer;

beforeAll(async () => {
  [t, media, origin] = await Promise.all([startTestApp(), makeMedia(), startFixtureServer()]);
  origin.file('/videos/sample.mp4', media.mp4, 'video/mp4');
});
afterAll(async () => {
  await Promise.all([t?.stop(), origin?.close()]);
});

async function upload(path: string, name: string, key = t.apiKey) {
  const form = new FormData();
  form.append('file', new Blob([await readFile(path)]), name);
  return t.json('/api/v1/files/upload', { method: 'POST', body: form, key });
}

describe('POST /api/v1/files/upload', () => {
  it('stores and probes an uploaded mp4 (seed 001 fetch example)', async () => {
    const { status, body } = await upload(media.mp4, 'video.mp4');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['file_id']);
    const file = await t.waitForFile(body.file_id);
    expect(file).toMatchObject({
      file_id: body.file_id,
      status: 'STORED',
      rendi_store_type: 'UPLOAD',
      is_deleted: false,
      original_file_url: null,
      file_type: 'video',
      codec: 'h264',
      width: 320,
      height: 240,
      error_status: null,
    });
    expect(file.storage_url).toMatch(new RegExp(`/media/${body.file_id}/[^/]+/video.mp4$`));
    const download = await fetch(file.storage_url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(await readFile(media.mp4))).toBe(true);
  });

  it('answers 401 without a key and 422 without multipart', async () => {
    expect((await t.json('/api/v1/files/upload', { method: 'POST', key: null })).status).toBe(401);
    const wrong = await t.json('/api/v1/files/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toBe('VALIDATION_ERROR');
  });
});

describe('POST /api/v1/files/store-file', () => {
  it('imports from a URL and probes it (seed 000 curl example)', async () => {
    const { status, body } = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ file_url: `${origin.url}/videos/sample.mp4` }),
    });
    expect(status).toBe(200);
    const file = await t.waitForFile(body.file_id);
    expect(file).toMatchObject({
      status: 'STORED',
      rendi_store_type: 'STORED_FILE',
      original_file_url: `${origin.url}/videos/sample.mp4`,
      filename: 'sample.mp4',
      file_type: 'video',
    });
  });

  it('refuses a missing field with 400 and a loopback URL with 422', async () => {
    const missing = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'INVALID_REQUEST' });
    const internal = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_url: 'http://169.254.169.254/latest/meta-data' }),
    });
    expect(internal.status).toBe(422);
    expect(internal.body.error).toBe('VALIDATION_ERROR');
  });
});

describe('upload file names', () => {
  it('a UTF-8 file name (as browsers, curl and fetch send it) is read as UTF-8 on both upload routes', async () => {
    for (const route of ['/api/v1/files/upload', '/api/v1/files']) {
      const form = new FormData();
      form.append('file', new Blob(['hello']), 'été.png');
      const { status, body } = await t.json(route, { method: 'POST', body: form });
      expect(status).toBe(200);
      expect((await t.waitForFile(body.file_id)).filename, route).toBe('ete.png');
    }
  });
});

describe('POST /api/v1/files (FetchMedia style)', () => {
  it('accepts a multipart file', async () => {
    const form = new FormData();
    form.append('file', new Blob([await readFile(media.m4a)], { type: 'audio/mp4' }), 'tone.m4a');
    const { status, body } = await t.json('/api/v1/files', { method: 'POST', body: form });
    expect(status).toBe(200);
    expect(await t.waitForFile(body.file_id)).toMatchObject({ rendi_store_type: 'UPLOAD', file_type: 'audio' });
  });

  it('accepts a multipart file_url', async () => {
    const form = new FormData();
    form.append('file_url', `${origin.url}/videos/sample.mp4`);
    const { status, body } = await t.json('/api/v1/files', { method: 'POST', body: form });
    expect(status).toBe(200);
    expect(await t.waitForFile(body.file_id)).toMatchObject({ rendi_store_type: 'STORED_FILE', filename: 'sample.mp4' });
  });

  it('needs one of them (422) and refuses both (400) without creating anything', async () => {
    const rowsBefore = await t.app.deps.db.file.count();
    const empty = new FormData();
    empty.append('other', 'x');
    const none = await t.json('/api/v1/files', { method: 'POST', body: empty });
    expect(none.status).toBe(422);
    expect(none.body.detail[0].loc).toEqual(['body', 'file']);
    const both = new FormData();
    both.append('file_url', `${origin.url}/videos/sample.mp4`);
    both.append('file', new Blob(['abc']), 'a.txt');
    expect((await t.json('/api/v1/files', { method: 'POST', body: both })).status).toBe(400);
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore);
  });
});

describe('reading, downloading and deleting files', () => {
  let fileId: string;
  let stored: any;
  beforeAll(async () => {
    const { body } = await upload(media.mp4, 'movie.mp4');
    fileId = body.file_id;
    stored = await t.waitForFile(fileId);
  });

  it('GET /files/:id returns every documented field (seed 002)', async () => {
    const { status, body } = await t.json(`/api/v1/files/${fileId}`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(
      [
        'file_id', 'storage_url', 'status', 'rendi_store_type', 'is_deleted', 'original_file_url', 'filename',
        'size_mbytes', 'duration', 'file_type', 'file_format', 'codec', 'pixel_format', 'mime_type', 'width', 'height',
        'frame_rate', 'bitrate_video_kb', 'bitrate_audio_kb', 'sample_rate', 'channels', 'error_status',
        'error_message', 'created_at',
      ].sort(),
    );
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const bytes = (await readFile(media.mp4)).length;
    expect(body.size_mbytes).toBeCloseTo(bytes / 1_048_576, 3);
  });

  it('lists newest first with limit/offset and rejects out-of-range queries with 400', async () => {
    const { body: page } = await t.json('/api/v1/files?limit=2&offset=0');
    expect(page).toMatchObject({ limit: 2, offset: 0 });
    expect(page.files).toHaveLength(2);
    const { body: all } = await t.json('/api/v1/files?limit=100');
    expect(all.total).toBe(all.files.length);
    const created = all.files.map((f: any) => f.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    const { body: second } = await t.json('/api/v1/files?limit=1&offset=1');
    expect(second.files[0].file_id).toBe(all.files[1].file_id);
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1']) {
      const bad = await t.json(`/api/v1/files?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.error).toBe('INVALID_REQUEST');
    }
  });

  it('storage_url serves the bytes without a key, with Range support', async () => {
    const whole = await readFile(media.mp4);
    const ranged = await fetch(stored.storage_url, { headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-19/${whole.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(whole.subarray(10, 20))).toBe(true);
    const tampered = stored.storage_url.replace(/\/media\/([^/]+)\/[^/]+\//, '/media/$1/forged/');
    expect((await fetch(tampered)).status).toBe(404);
  });

  it('download route redirects (302) to a short-lived signed URL', async () => {
    const response = await t.api(`/api/v1/files/${fileId}/movie.mp4`);
    expect(response.status).toBe(302);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/\/media\/[^/]+\/\d+\.[^/]+\/movie.mp4$/);
    const bytes = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(bytes.equals(await readFile(media.mp4))).toBe(true);
    expect((await t.api(`/api/v1/files/${fileId}/other.mp4`)).status).toBe(404);
  });

  it('isolates tenants: another account gets 404 on every route', async () => {
    const key = t.otherApiKey;
    expect((await t.json(`/api/v1/files/${fileId}`, { key })).status).toBe(404);
    expect((await t.api(`/api/v1/files/${fileId}/movie.mp4`, { key })).status).toBe(404);
    expect((await t.json(`/api/v1/files/${fileId}`, { method: 'DELETE', key })).status).toBe(404);
    const { body } = await t.json('/api/v1/files?limit=100', { key });
    expect(body.files.map((f: any) => f.file_id)).not.toContain(fileId);
    expect((await t.json(`/api/v1/files/${fileId}`)).body.is_deleted).toBe(false);
  });

  it('DELETE removes the bytes, keeps the record, and a second delete is 404', async () => {
    // A browser may keep the bytes only if it asks again before each use.
    const before = await fetch(stored.storage_url);
    expect(before.headers.get('cache-control')).toBe('private, no-cache');
    const cachedEtag = before.headers.get('etag')!;
    expect((await fetch(stored.storage_url, { headers: { 'if-none-match': cachedEtag } })).status).toBe(304);
    // The forms caches send: a weak tag, a list, `*`; a range unit in capitals.
    for (const header of [`W/${cachedEtag}`, `"other", ${cachedEtag}`, '*']) {
      expect((await fetch(stored.storage_url, { headers: { 'if-none-match': header } })).status, header).toBe(304);
    }
    expect((await fetch(stored.storage_url, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    expect((await fetch(stored.storage_url, { headers: { range: 'Bytes=0-1' } })).status).toBe(206);
    const { status, body } = await t.json(`/api/v1/files/${fileId}`, { method: 'DELETE' });
    expect(status).toBe(200);
    expect(body).toEqual({ deleted: true, file_id: fileId });
    const { body: after } = await t.json(`/api/v1/files/${fileId}`);
    expect(after).toMatchObject({ is_deleted: true, storage_url: null, status: 'STORED' });
    expect((await fetch(stored.storage_url)).status).toBe(404);
    // Revalidating what a browser kept before the delete: gone too, not 304.
    expect((await fetch(stored.storage_url, { headers: { 'if-none-match': cachedEtag } })).status).toBe(404);
    expect((await t.api(`/api/v1/files/${fileId}/movie.mp4`)).status).toBe(404);
    expect((await t.json(`/api/v1/files/${fileId}`, { method: 'DELETE' })).status).toBe(404);
    const { body: list } = await t.json('/api/v1/files?limit=100');
    expect(list.files.map((f: any) => f.file_id)).not.toContain(fileId);
    expect(await t.app.deps.storage.stat(`${(await accountOf(fileId))}/${fileId}/movie.mp4`)).toBeNull();
  });

  it('an id in upper case names the same file: DELETE with it removes that file and its bytes', async () => {
    const { body } = await upload(media.mp4, 'upper.mp4');
    const id: string = body.file_id;
    const file = await t.waitForFile(id); // also caches it under its own spelling
    const upper = id.toUpperCase();
    expect((await t.json(`/api/v1/files/${upper}`)).body).toMatchObject({ file_id: id, is_deleted: false });
    const deleted = await t.json(`/api/v1/files/${upper}`, { method: 'DELETE' });
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true, file_id: id } });
    expect((await t.json(`/api/v1/files/${id}`)).body).toMatchObject({ is_deleted: true, storage_url: null });
    expect((await fetch(file.storage_url)).status).toBe(404);
    expect(await t.app.deps.storage.stat(`${await accountOf(id)}/${id}/upper.mp4`)).toBeNull();
    expect((await t.json(`/api/v1/files/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('unknown and malformed ids are 404; missing and revoked keys are 401', async () => {
    expect((await t.json('/api/v1/files/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await t.json('/api/v1/files/not-a-uuid')).body.error).toBe('NOT_FOUND');
    expect((await t.json('/api/v1/files', { key: null })).body).toMatchObject({ error: 'UNAUTHORIZED' });
    expect((await t.json('/api/v1/files', { key: `ffsk_${'0'.repeat(64)}` })).status).toBe(401);
  });
});

async function accountOf(fileId: string): Promise<string> {
  const row = await t.app.deps.db.file.findUniqueOrThrow({ where: { id: fileId } });
  return row.accountId;
}

