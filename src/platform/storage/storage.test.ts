// One contract, two drivers: every story runs against local disk and against a real s3rver.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSafeKey,
  createLocalDriver,
  createS3Driver,
  createStorage,
  ObjectNotFoundError,
  ObjectTooLargeError,
  UnsafeKeyError,
  type StorageDriver,
} from './index.ts';
import { uploadStream } from './s3-stream-upload.ts';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';
import { until } from '../../../test/support/wait.ts';

const MiB = 1024 * 1024;
const BUCKET = 'test-bucket';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let tmp: string;
let s3: TestS3;

beforeAll(async () => {
  [tmp, s3] = await Promise.all([mkdtemp(path.join(os.tmpdir(), 'storage-test-')), startS3(BUCKET)]);
});

afterAll(async () => {
  await s3?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function s3Config(bucket = BUCKET) {
  return { bucket, endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, ...CREDENTIALS };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function streamOf(data: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunkSize) yield data.subarray(i, i + chunkSize);
    })(),
  );
}

/** Random bytes made on the fly; when failAfter is set, the stream errors once that many were sent. */
function generated(totalBytes: number, failAfter?: number, failure = new Error('source broke')): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) return this.destroy(failure);
      if (sent >= totalBytes) return this.push(null);
      const chunk = randomBytes(Math.min(256 * 1024, totalBytes - sent));
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

interface Harness {
  driver: StorageDriver;
  /** Everything physically stored by the backend, to prove that nothing stray was left. */
  listEverything(): Promise<string[]>;
}

const kinds: { kind: 'local' | 's3'; setup: () => Promise<Harness> }[] = [
  {
    kind: 'local',
    async setup() {
      const root = path.join(tmp, 'local-root');
      return {
        driver: createLocalDriver(root),
        async listEverything() {
          const entries = await readdir(root, { recursive: true }).catch(() => []);
          return entries.map(String).sort();
        },
      };
    },
  },
  {
    kind: 's3',
    async setup() {
      const raw = new S3Client({ ...s3Config(), credentials: CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED' });
      return {
        driver: createS3Driver(s3Config()),
        async listEverything() {
          const out = await raw.send(new ListObjectsV2Command({ Bucket: BUCKET }));
          return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
        },
      };
    },
  },
];

describe.each(kinds)('$kind storage driver', ({ kind, setup }) => {
  let driver: StorageDriver;
  let listEverything: () => Promise<string[]>;
  const key = (name: string) => `acct-${kind}/${randomBytes(4).toString('hex')}/${name}`;

  beforeAll(async () => {
    ({ driver, listEverything } = await setup());
    expect(driver.kind).toBe(kind);
  });

  it('answers ping', async () => {
    await expect(driver.ping()).resolves.toBeUndefined();
  });

  it('round-trips a 20 MiB stream through put, stat and getStream, with ranges', async () => {
    const data = randomBytes(20 * MiB);
    const k = key('big.bin');
    await expect(driver.put(k, streamOf(data), { contentType: 'application/octet-stream' })).resolves.toEqual({
      size: data.length,
    });

    const info = await driver.stat(k);
    expect(info?.size).toBe(data.length);
    expect(info?.etag).toMatch(/^[^"]+$/);
    expect(info?.lastModified).toBeInstanceOf(Date);

    expect(sha256(await readAll(await driver.getStream(k)))).toBe(sha256(data));
    expect(await readAll(await driver.getStream(k, { start: 10, end: 19 }))).toEqual(data.subarray(10, 20));
    expect(await readAll(await driver.getStream(k, { start: data.length - 100 }))).toEqual(data.subarray(-100));
    // Across the 8 MiB part boundary of the S3 multipart upload.
    const edge = 8 * MiB;
    expect(await readAll(await driver.getStream(k, { start: edge - 5, end: edge + 4 }))).toEqual(
      data.subarray(edge - 5, edge + 5),
    );
    expect(await readAll(await driver.getStream(k, { start: data.length + 10 }))).toHaveLength(0);
    await driver.delete(k);
  });

  it('stores empty objects and keys with spaces and non-ASCII names', async () => {
    const k = key('my clip été.txt');
    await expect(driver.put(k, streamOf(Buffer.alloc(0)))).resolves.toEqual({ size: 0 });
    expect((await driver.stat(k))?.size).toBe(0);
    await driver.put(k, streamOf(Buffer.from('hello')));
    expect((await readAll(await driver.getStream(k))).toString()).toBe('hello');
    await driver.delete(k);
  });

  it('presigns on S3 only; localPath on local only', async () => {
    const data = randomBytes(300 * 1024);
    const k = key('clip.mp4');
    await driver.put(k, streamOf(data));
    const url = await driver.presignGet(k, { expiresInSeconds: 60, serving: { contentType: 'video/mp4', inline: false, filename: 'clip été.mp4' } });
    if (kind === 's3') {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(driver.localPath(k)).toBeUndefined();
      const res = await fetch(url!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; .*filename\*=UTF-8''clip%20%C3%A9t%C3%A9\.mp4/);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(data));
    } else {
      expect(url).toBeUndefined();
      const file = driver.localPath(k);
      expect(file && path.isAbsolute(file) && existsSync(file)).toBe(true);
    }
    await driver.delete(k);
  });

  it('deletes idempotently', async () => {
    const k = key('gone.txt');
    await driver.put(k, streamOf(Buffer.from('bye')));
    await driver.delete(k);
    expect(await driver.stat(k)).toBeNull();
    await expect(driver.getStream(k)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(driver.delete(k)).resolves.toBeUndefined();
    await expect(driver.getStream(key('never.txt'))).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await driver.stat(key('never.txt'))).toBeNull();
  });

  it('deletePrefix removes everything under a prefix and nothing else', async () => {
    const base = `prefix-${kind}-${randomBytes(4).toString('hex')}`;
    const keys = [`${base}/a/1.txt`, `${base}/a/2.txt`, `${base}/a/deep/3.txt`, `${base}/ab/4.txt`, `${base}/b/5.txt`];
    for (const k of keys) await driver.put(k, streamOf(Buffer.from(k)));

    await expect(driver.deletePrefix(`${base}/a/`)).resolves.toBe(3);
    for (const k of keys.slice(0, 3)) expect(await driver.stat(k)).toBeNull();
    for (const k of keys.slice(3)) expect(await driver.stat(k)).not.toBeNull();

    await expect(driver.deletePrefix(`${base}/a`)).resolves.toBe(1); // string prefix, as in S3
    expect(await driver.stat(`${base}/b/5.txt`)).not.toBeNull();
    await expect(driver.deletePrefix(`${base}/nothing/`)).resolves.toBe(0);
    await expect(driver.deletePrefix('')).rejects.toThrow(/empty prefix/);
    await expect(driver.deletePrefix(`${base}/`)).resolves.toBe(1);
    expect((await listEverything()).filter((k) => k.startsWith(base))).toEqual([]);
  });

  it('list yields every stored object with its size and time, and agrees with a raw listing', async () => {
    const k = key('listed.txt');
    const before = Date.now() - 5_000;
    await driver.put(k, streamOf(Buffer.from('listed')));
    const listed: { key: string; size: number; lastModified: Date }[] = [];
    for await (const object of driver.list()) listed.push(object);
    const mine = listed.find((o) => o.key === k);
    expect(mine?.size).toBe(6);
    expect(mine!.lastModified.getTime()).toBeGreaterThan(before);
    const everything = new Set(await listEverything());
    for (const object of listed) expect(everything.has(object.key), object.key).toBe(true);
    await driver.delete(k);
  });

  it('putFile stores a local file (moved on local disk), and refuses symlinks and oversized files', async () => {
    const dir = await mkdtemp(path.join(tmp, `put-file-${kind}-`));
    const bytes = randomBytes(3 * MiB + 17);
    const file = path.join(dir, 'out.mp4');
    await writeFile(file, bytes);
    const k = key('out.mp4');
    expect(await driver.putFile(k, file, { maxBytes: 4 * MiB })).toEqual({ size: bytes.length });
    expect(sha256(await readAll(await driver.getStream(k)))).toBe(sha256(bytes));
    expect(existsSync(file)).toBe(kind === 's3'); // renamed into place on local disk

    // An object's time is when it was stored, not when its file was last written (the sweep judges
    // age by it): a file written two hours ago is stored now.
    const old = path.join(dir, 'old.mp4');
    await writeFile(old, bytes.subarray(0, 1000));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    const storedAt = Date.now() - 5_000;
    const oldKey = key('old.mp4');
    await driver.putFile(oldKey, old);
    expect((await driver.stat(oldKey))!.lastModified!.getTime()).toBeGreaterThan(storedAt);
    let listed = 0;
    for await (const object of driver.list()) if (object.key === oldKey && object.lastModified.getTime() > storedAt) listed++;
    expect(listed).toBe(1);
    await driver.delete(oldKey);

    const before = await listEverything();
    await writeFile(file, bytes);
    await expect(driver.putFile(key('big.mp4'), file, { maxBytes: MiB })).rejects.toBeInstanceOf(ObjectTooLargeError);
    await symlink(file, path.join(dir, 'link.mp4'));
    await expect(driver.putFile(key('link.mp4'), path.join(dir, 'link.mp4'))).rejects.toThrow(/not a regular file/);
    expect(await listEverything()).toEqual(before);
    await driver.delete(k);
  });

  it('rejects a stream over maxBytes with ObjectTooLargeError and leaves nothing behind', async () => {
    const before = await listEverything();
    const k = key('too-big.bin');
    const err = await driver.put(k, generated(3 * MiB), { maxBytes: MiB }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    expect((err as ObjectTooLargeError).limitBytes).toBe(MiB);
    expect(await driver.stat(k)).toBeNull();
    expect(await listEverything()).toEqual(before);
  });

  it.each([
    ['one full part', 5 * MiB],
    ['two full parts', 10 * MiB],
    ['two parts and one byte', 10 * MiB + 1],
  ])('stores a body of %s intact', async (_label, size) => {
    const k = key(`parts-${size}.bin`);
    const body = Buffer.alloc(size);
    for (let i = 0; i + 4 <= size; i += 4096) body.writeUInt32BE(i, i); // every 4 KiB says where it is
    await expect(driver.put(k, Readable.from([body.subarray(0, 3 * MiB), body.subarray(3 * MiB)]))).resolves.toEqual({ size });
    const back: Buffer[] = [];
    for await (const chunk of await driver.getStream(k)) back.push(chunk as Buffer);
    expect(Buffer.concat(back).equals(body)).toBe(true);
    await driver.delete(k);
  });

  it('rejects past maxBytes in the multipart range too', async () => {
    const before = await listEverything();
    const k = key('too-big-multipart.bin');
    await expect(driver.put(k, generated(30 * MiB), { maxBytes: 20 * MiB })).rejects.toBeInstanceOf(
      ObjectTooLargeError,
    );
    expect(await driver.stat(k)).toBeNull();
    expect(await listEverything()).toEqual(before);
  });

  it.each([
    ['early (single request)', 100 * 1024],
    ['midway (multipart)', 12 * MiB],
  ])('rethrows a source stream error unchanged and leaves nothing: %s', async (_label, failAfter) => {
    const before = await listEverything();
    const k = key('broken.bin');
    const failure = new Error('source broke');
    const err = await driver.put(k, generated(20 * MiB, failAfter, failure)).catch((e: unknown) => e);
    expect(err).toBe(failure);
    expect(await driver.stat(k)).toBeNull();
    expect(await listEverything()).toEqual(before);
  });

  it.each([
    ['early (single request)', 100 * 1024],
    ['midway (multipart)', 12 * MiB],
  ])('a failed put leaves the object another put stored at the same key: %s', async (_label, failAfter) => {
    const k = key('retried.bin');
    const stored = Buffer.from('the finished attempt');
    await driver.put(k, streamOf(stored));
    const before = await listEverything();
    const failure = new Error('the older attempt broke');
    await expect(driver.put(k, generated(20 * MiB, failAfter, failure))).rejects.toBe(failure);
    expect((await readAll(await driver.getStream(k))).equals(stored)).toBe(true);
    expect(await listEverything()).toEqual(before);
    await driver.delete(k);
  });

  it('refuses unsafe keys before touching the backend', async () => {
    await expect(driver.put('../x', streamOf(Buffer.from('x')))).rejects.toThrow(/Unsafe storage key/);
    await expect(driver.stat('a/../b')).rejects.toThrow(/Unsafe storage key/);
    await expect(driver.getStream('/abs')).rejects.toThrow(/Unsafe storage key/);
  });
});

describe('assertSafeKey', () => {
  it.each(['../x', '/abs', 'a//b', 'a\\b', 'a/../b', '', 'a/./b', 'a/b/', 'a/\0b', '..'])('refuses %j', (k) => {
    expect(() => assertSafeKey(k)).toThrow(/Unsafe storage key/);
  });

  it('accepts <account>/<file id>/<filename>', () => {
    expect(() => assertSafeKey('acct_1/0190f2c4-7d1e/clip final (1).mp4')).not.toThrow();
  });
});

describe('readiness and selection', () => {
  it('ping throws when the backend is unusable', async () => {
    await expect(createS3Driver(s3Config('no-such-bucket')).ping()).rejects.toThrow();
    await expect(
      createS3Driver({ ...s3Config(), endpoint: 'http://127.0.0.1:1' }).ping(),
    ).rejects.toThrow();
    const notADir = path.join(tmp, 'plain-file');
    await writeFile(notADir, 'x');
    await expect(createLocalDriver(path.join(notADir, 'storage')).ping()).rejects.toThrow();
  });

  it('createStorage picks local disk under <dataDir>/storage unless S3 is configured', () => {
    const local = createStorage({ dataDir: tmp, s3: undefined });
    expect(local.kind).toBe('local');
    expect(local.localPath('a/b/c.mp4')).toBe(path.join(tmp, 'storage', 'a', 'b', 'c.mp4'));
    expect(createStorage({ dataDir: tmp, s3: s3Config() }).kind).toBe('s3');
  });

  it('local delete prunes emptied directories up to the root', async () => {
    const root = path.join(tmp, 'prune-root');
    const driver = createLocalDriver(root);
    await driver.put('acct/file/a.txt', streamOf(Buffer.from('a')));
    await driver.delete('acct/file/a.txt');
    expect(await readdir(root)).toEqual([]);
  });
});

describe('local writes that never finished', () => {
  it('a temp file a crash left is removed once old enough; a fresh one, objects and temp-like names are not', async () => {
    const root = path.join(tmp, 'unfinished-root');
    const driver = createLocalDriver(root);
    // An object whose name looks like the temp files of earlier versions is an object like any other.
    await driver.put('acct/kept/x.part-0123456789ab', streamOf(Buffer.from('an object')));
    await mkdir(path.join(root, 'acct', 'crashed'), { recursive: true });
    const stale = path.join(root, 'acct', 'crashed', 'big.mp4~part-00112233aabb');
    const fresh = path.join(root, 'acct', 'kept', 'y.bin~part-44556677ccdd');
    await writeFile(stale, 'half an upload');
    await writeFile(fresh, 'an upload in progress');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);

    const keys = [];
    for await (const object of driver.list()) keys.push(object.key);
    expect(keys).toEqual(['acct/kept/x.part-0123456789ab']);
    expect(await driver.removeUnfinishedWrites!(new Date(Date.now() - 3600_000))).toBe(1);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(path.dirname(stale))).toBe(false); // its emptied directory too
    expect(existsSync(fresh)).toBe(true);
    expect(await driver.stat('acct/kept/x.part-0123456789ab')).toMatchObject({ size: 9 });
  });

  it('a slow write in progress keeps its temp file fresh, so the sweep leaves it and the write completes', async () => {
    const root = path.join(tmp, 'slow-root');
    const driver = createLocalDriver(root, { touchEveryMs: 50 });
    const body = new PassThrough();
    const stored = driver.put('acct/slow/clip.bin', body);
    body.write(Buffer.alloc(1000, 1)); // far less than a batch: nothing reaches the file yet
    const temp = await until('the temp file', async () => (await readdir(path.join(root, 'acct', 'slow')).catch(() => [] as string[])).find((n) => n.includes('~part-')));
    // As if the upload had begun two hours ago and were still moving.
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(root, 'acct', 'slow', temp), twoHoursAgo, twoHoursAgo);
    await new Promise((r) => setTimeout(r, 200));
    body.write(Buffer.alloc(1000, 2));
    expect(await driver.removeUnfinishedWrites!(new Date(Date.now() - 3600_000))).toBe(0);
    body.end(Buffer.alloc(1000, 3));
    expect(await stored).toEqual({ size: 3000 });
    expect(await driver.stat('acct/slow/clip.bin')).toMatchObject({ size: 3000 });
  });

  it('a key naming a temp file is refused, so no client can read or overwrite a write in progress', async () => {
    const driver = createLocalDriver(path.join(tmp, 'temp-keys'));
    await expect(driver.getStream('acct/f/x.mp4~part-0123456789ab')).rejects.toBeInstanceOf(UnsafeKeyError);
    await expect(driver.put('acct/f/x.mp4~part-0123456789ab', streamOf(Buffer.from('x')))).rejects.toBeInstanceOf(UnsafeKeyError);
  });
});

describe('S3 store-side failure', () => {
  it.each([MiB, 20 * MiB])('rejects with the S3 error and releases the source (%i bytes)', async (size) => {
    const driver = createS3Driver(s3Config('no-such-bucket'));
    const body = generated(size);
    await expect(driver.put('acct/file/x.bin', body)).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(body.destroyed).toBe(true);
  });
});

describe('S3 upload when a part fails', () => {
  it('rejects, aborts the multipart upload and stores nothing, even if the part failed while the body was slow', async () => {
    const real = new S3Client({ ...s3Config(), credentials: CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const sent: unknown[] = [];
    // Fault injection in front of the real client: part 1 is lost, everything else reaches s3rver.
    const client = {
      send(command: { input: { PartNumber?: number } }) {
        sent.push(command);
        if (command instanceof UploadPartCommand && command.input.PartNumber === 1) return Promise.reject(new Error('part 1 lost'));
        return real.send(command as never);
      },
    } as unknown as S3Client;
    // Part 1 goes out with the 6th MiB and fails at once, while the loop waits for the 7th.
    async function* slowBody() {
      for (let i = 0; i < 12; i++) {
        yield randomBytes(MiB);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const Key = 'acct/part-lost/x.bin';
    await expect(uploadStream(client, { Bucket: BUCKET, Key }, slowBody(), 5 * MiB, 2)).rejects.toThrow('part 1 lost');
    expect(sent.some((c) => c instanceof AbortMultipartUploadCommand)).toBe(true);
    expect(sent.some((c) => c instanceof CompleteMultipartUploadCommand)).toBe(false);
    expect(await real.send(new HeadObjectCommand({ Bucket: BUCKET, Key })).then(() => 'stored', () => 'missing')).toBe('missing');
  });

  it('says so when the abort fails too, naming the upload whose parts stay behind', async () => {
    const real = new S3Client({ ...s3Config(), credentials: CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED' });
    let created: string | undefined;
    const client = {
      async send(command: object) {
        if (command instanceof UploadPartCommand && command.input.PartNumber === 2) throw new Error('part 2 lost');
        if (command instanceof AbortMultipartUploadCommand) throw new Error('abort refused');
        const result = await real.send(command as never);
        if (command instanceof CreateMultipartUploadCommand) created = (result as { UploadId?: string }).UploadId;
        return result;
      },
    } as unknown as S3Client;
    const told: { err: unknown; uploadId: string }[] = [];
    const body = (async function* () {
      for (let i = 0; i < 12; i++) yield randomBytes(MiB);
    })();
    await expect(
      uploadStream(client, { Bucket: BUCKET, Key: 'acct/abort-refused/x.bin' }, body, 5 * MiB, 2, (err, uploadId) => told.push({ err, uploadId })),
    ).rejects.toThrow('part 2 lost');
    expect(created).toMatch(/\S/);
    expect(told).toEqual([{ err: new Error('abort refused'), uploadId: created }]);
  });
});

describe('S3 connections', () => {
  it('a multipart upload reuses its connections: 5 parts (sent with Expect: 100-continue) over at most 3', async () => {
    const driver = createS3Driver(s3Config());
    let opened = 0;
    const count = () => opened++;
    s3.httpServer.on('connection', count);
    try {
      await expect(driver.put('acct-conn/f/x.bin', generated(23 * MiB))).resolves.toEqual({ size: 23 * MiB });
    } finally {
      s3.httpServer.off('connection', count);
    }
    // Create, then two parts in flight at a time, then Complete: two connections in use at most.
    expect(opened).toBeGreaterThan(0);
    expect(opened).toBeLessThanOrEqual(3);
    await driver.delete('acct-conn/f/x.bin');
  });

  it('an upload does not wait behind download streams held open by slow clients', async () => {
    const driver = createS3Driver(s3Config());
    await driver.put('acct-conn/held/small.bin', streamOf(randomBytes(256 * 1024)));
    // 60 downloads nobody reads: each holds its connection until its body is consumed.
    const held = await Promise.all(Array.from({ length: 60 }, () => driver.getStream('acct-conn/held/small.bin')));
    try {
      await expect(driver.put('acct-conn/held/big.bin', generated(12 * MiB))).resolves.toEqual({ size: 12 * MiB });
    } finally {
      for (const stream of held) stream.destroy();
    }
    await driver.deletePrefix('acct-conn/held/');
  }, 20_000);
});

describe('S3 server that stops answering', () => {
  // Accepts connections; answers a GET with its headers and half the body, anything else never.
  async function silentServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
    const server = http.createServer((req, res) => {
      if (req.method === 'GET') res.writeHead(200, { 'content-length': '1000' }).write(Buffer.alloc(500));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
  }

  it('a request with no answer and a body that stalls both fail after the idle timeout, not never', async () => {
    const silent = await silentServer();
    try {
      const driver = createS3Driver({ ...s3Config(), endpoint: silent.endpoint, idleTimeoutMs: 300 });
      const started = Date.now();
      await expect(driver.stat('acct/f/x.bin')).rejects.toThrow(/timed out/);
      const body = await driver.getStream('acct/f/x.bin');
      await expect(readAll(body)).rejects.toThrow(/timed out/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await silent.close();
    }
  }, 20_000);
});

describe('S3 memory bound', () => {
  it('streams a large generated upload with bounded RSS growth', async () => {
    const driver = createS3Driver(s3Config());
    // Warm up so first-use costs (module loading, JIT, heap sizing) are not counted as growth.
    await driver.put('acct-mem/warm/up.bin', generated(24 * MiB));
    await driver.delete('acct-mem/warm/up.bin');
    const total = 300 * MiB;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 25);
    const started = Date.now();
    try {
      await expect(driver.put('acct-mem/big/large.bin', generated(total))).resolves.toEqual({ size: total });
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - baseline) / 1e6;
    console.info(`300 MiB S3 put: ${Date.now() - started} ms, RSS growth ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(150);
    expect((await driver.stat('acct-mem/big/large.bin'))?.size).toBe(total);
    await driver.delete('acct-mem/big/large.bin');
  }, 60_000);
});
