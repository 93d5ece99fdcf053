import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { makeMedia } from './support/media.ts';
import { startS3, type TestS3 } from './support/s3.ts';

let t: TestApp;
let s3: TestS3;
let client: S3Client;
let origin: FixtureServer;
let media: Awaited<ReturnType<typeof makeMedia>>;

beforeAll(async () => {
  [s3, media, origin] = await Promise.all([startS3(), makeMedia(), startFixtureServer()]);
  t = await startTestApp({ s3, env: { MAX_FILE_BYTES: String(12 * 1024 * 1024) } });
  client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  origin.file('/clip.mp4', media.mp4, 'video/mp4');
});
afterAll(async () => {
  client?.destroy();
  await t?.stop();
  await Promise.all([s3?.stop(), origin?.close()]);
});

async function bucketKeys(): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

describe('files on the S3 driver (s3rver)', () => {
  it('a presigned GET presents the bytes as the service found them, as HEAD does: not as the uploader declared', async () => {
    const form = new FormData();
    form.append('file', new Blob([await readFile(media.png)], { type: 'text/html' }), 'still.png');
    form.append('x', 'y');
    const { body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
    const file = await t.waitForFile(body.file_id);
    expect(file.mime_type).toBe('image/png');
    const head = await fetch(file.storage_url, { method: 'HEAD' });
    const get = await fetch(file.storage_url); // through the 302 to S3
    for (const answer of [head, get]) {
      expect(answer.headers.get('content-type')).toBe('image/png');
      expect(answer.headers.get('content-disposition')).toMatch(/^inline; filename="still\.png"/);
    }
    await get.arrayBuffer();
    // What a browser could run is still a download, whatever was declared.
    const page = new FormData();
    page.append('file', new Blob(['<html><script>alert(1)</script></html>'], { type: 'image/png' }), 'page.html');
    const html = await t.waitForFile((await t.json('/api/v1/files/upload', { method: 'POST', body: page })).body.file_id);
    const served = await fetch(html.storage_url);
    expect(served.headers.get('content-type')).toBe(html.mime_type);
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
    await served.arrayBuffer();
  });

  it('upload → object in the bucket; storage_url and download redirect to presigned URLs of the same bytes', async () => {
    const form = new FormData();
    form.append('file', new Blob([await readFile(media.mp4)]), 'clip.mp4');
    const { body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
    const file = await t.waitForFile(body.file_id);
    expect(file).toMatchObject({ status: 'STORED', file_type: 'video', codec: 'h264' });
    const key = (await bucketKeys()).find((k) => k.includes(body.file_id));
    expect(key).toMatch(new RegExp(`/${body.file_id}/clip.mp4$`));
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.ContentLength).toBe((await readFile(media.mp4)).length);

    const media302 = await fetch(file.storage_url, { redirect: 'manual' });
    expect(media302.status).toBe(302);
    expect(media302.headers.get('location')).toContain(s3.endpoint);
    // A presigned URL is signed for GET only: HEAD is answered here, from the object's metadata.
    const headed = await fetch(file.storage_url, { method: 'HEAD', redirect: 'manual' });
    expect(headed.status).toBe(200);
    expect(headed.headers.get('content-length')).toBe(String((await readFile(media.mp4)).length));
    expect(headed.headers.get('accept-ranges')).toBe('bytes');
    const download = await t.api(`/api/v1/files/${body.file_id}/clip.mp4`);
    expect(download.status).toBe(302);
    const presigned = download.headers.get('location')!;
    expect(presigned).toMatch(/X-Amz-Signature=/);
    const bytes = Buffer.from(await (await fetch(presigned)).arrayBuffer());
    expect(bytes.equals(await readFile(media.mp4))).toBe(true);

    const deleted = await t.json(`/api/v1/files/${body.file_id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await bucketKeys()).not.toContain(key);
    expect((await fetch(file.storage_url, { redirect: 'manual' })).status).toBe(404);
  });

  it('store-file streams an import into the bucket', async () => {
    const { body } = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_url: `${origin.url}/clip.mp4` }),
    });
    const file = await t.waitForFile(body.file_id);
    expect(file).toMatchObject({ status: 'STORED', rendi_store_type: 'STORED_FILE', width: 320 });
    expect((await bucketKeys()).some((k) => k.endsWith(`/${body.file_id}/clip.mp4`))).toBe(true);
  });

  it('an upload over MAX_FILE_BYTES (past the multipart part size) is 413 and leaves no object', async () => {
    const before = await bucketKeys();
    const form = new FormData();
    form.append('file', new Blob([randomBytes(20 * 1024 * 1024)]), 'huge.bin');
    const { status } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
    expect(status).toBe(413);
    expect(await bucketKeys()).toEqual(before);
  });
});
