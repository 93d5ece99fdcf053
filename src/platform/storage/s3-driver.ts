// S3 (or any S3-compatible store) storage. Uploads stream through a multipart upload with reused part
// buffers (s3-stream-upload.ts), so memory stays bounded by partSize * (queueSize + 1) whatever the size.
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertSafeKey,
  assertSafePrefix,
  assertValidRange,
  byteLimit,
  ObjectNotFoundError,
  regularFileSize,
  type StorageDriver,
} from './driver.ts';
import type { Logger } from '../logger.ts';
import { sendLargeBodiesUnsignedOverTls } from './s3-unsigned-payload.ts';
import { uploadStream } from './s3-stream-upload.ts';

export interface S3DriverConfig {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** A connection attempt longer than this fails (default 10 s). */
  connectTimeoutMs?: number;
  /** A request or response that moves no byte for this long fails (default 120 s, as the API's own idle limit). */
  idleTimeoutMs?: number;
  /** Hears of what the driver could not clean up: a failed multipart upload it could not abort. */
  log?: Pick<Logger, 'warn'>;
}

// An upload holds up to queueSize parts in flight plus one being filled: with the S3 minimum part
// size and two in flight, an upload of any size costs the server about 20 MB. Larger objects get
// larger parts, because a multipart upload has at most 10,000 of them.
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
const QUEUE_SIZE = 2;

function isKnockOn(err: unknown): boolean {
  const { name, code } = (err ?? {}) as { name?: string; code?: string };
  return name === 'AbortError' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

function partSizeFor(maxBytes: number | undefined): number {
  return Math.max(MIN_PART_SIZE, Math.ceil((maxBytes ?? 0) / MAX_PARTS));
}

interface S3ErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

function isMissing(err: unknown): boolean {
  const e = err as S3ErrorShape;
  if (e?.name === 'NoSuchKey' || e?.name === 'NotFound') return true;
  return e?.$metadata?.httpStatusCode === 404 && e.name !== 'NoSuchBucket';
}

function isUnsatisfiableRange(err: unknown): boolean {
  const e = err as S3ErrorShape;
  return e?.name === 'InvalidRange' || e?.$metadata?.httpStatusCode === 416;
}

/** RFC 6266: a quoted ASCII fallback plus the exact UTF-8 name. */
function contentDisposition(inline: boolean, filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function createS3Driver(cfg: S3DriverConfig): StorageDriver {
  const { bucket } = cfg;
  const client = new S3Client({
    region: cfg.region,
    endpoint: cfg.endpoint,
    forcePathStyle: cfg.forcePathStyle,
    credentials:
      cfg.accessKeyId && cfg.secretAccessKey
        ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey }
        : undefined,
    // Without these, S3-compatible servers that ignore the new checksum trailers (s3rver, older
    // MinIO) silently store the aws-chunked framing as object bytes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The SDK sends bodies of 2 MiB and more with `Expect: 100-continue`, and unless it is given
    // agents of its own, sends each such request over a new connection that it closes afterwards: a
    // TCP (and TLS) handshake and a fresh slow start for every part. With its own agents it reuses
    // connections (and sends the body without waiting for the 100). No socket limit: a part upload
    // must not wait behind download streams that slow clients hold open.
    requestHandler: {
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: Infinity }),
      // The SDK waits forever by default: a storage server that stops answering would hold an
      // upload, a download or a command's input copy (and its worker slot) for good.
      connectionTimeout: cfg.connectTimeoutMs ?? 10_000,
      socketTimeout: cfg.idleTimeoutMs ?? 120_000,
    },
  });
  sendLargeBodiesUnsignedOverTls(client);

  const driver: StorageDriver = {
    kind: 's3',

    async putFile(key, file, opts = {}) {
      await regularFileSize(file, opts.maxBytes);
      return driver.put(key, createReadStream(file), opts);
    },

    async put(key, body, opts = {}) {
      assertSafeKey(key);
      const counter = byteLimit(opts.maxBytes);
      // Settles with the source-side error (or undefined) so it can be rethrown unchanged even when
      // the upload reports a different one (the store failing after the source did).
      const source = pipeline(body, counter).then(
        () => undefined,
        (err: unknown) => err,
      );
      try {
        // The multipart upload is aborted on failure, so no parts are left behind.
        await uploadStream(client, { Bucket: bucket, Key: key, ContentType: opts.contentType }, counter, partSizeFor(opts.maxBytes), QUEUE_SIZE, (abortErr, uploadId) =>
          cfg.log?.warn(
            { err: abortErr, key, uploadId },
            'a failed multipart upload could not be aborted: its parts stay in the bucket until a lifecycle rule (AbortIncompleteMultipartUpload) ends it',
          ),
        );
        return { size: counter.bytes };
      } catch (err) {
        counter.destroy();
        const sourceError = await source;
        // Nothing to delete: a failed PutObject stores nothing and a failed multipart upload is
        // aborted. An object at key is another put's (a retried ingest), or, after a commit whose
        // answer was lost, an orphan the maintenance sweep removes.
        // A source that failed on its own (limit exceeded, client gone) is the real cause; an abort
        // or premature close of the source is only the knock-on of the store side failing.
        throw sourceError !== undefined && !isKnockOn(sourceError) ? sourceError : err;
      }
    },

    async getStream(key, range) {
      assertSafeKey(key);
      if (range) assertValidRange(range);
      const Range = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range }));
        return out.Body as Readable;
      } catch (err) {
        if (isMissing(err)) throw new ObjectNotFoundError(key);
        // Same answer as the local driver for a range past the end: no bytes.
        if (range && isUnsatisfiableRange(err)) return Readable.from([]);
        throw err;
      }
    },

    async stat(key) {
      assertSafeKey(key);
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          size: head.ContentLength ?? 0,
          etag: head.ETag?.replace(/^(W\/)?"|"$/g, ''),
          lastModified: head.LastModified,
        };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },

    async delete(key) {
      assertSafeKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async deletePrefix(prefix) {
      assertSafePrefix(prefix);
      let count = 0;
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }),
        );
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
        if (keys.length > 0) {
          const out = await client.send(
            new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
          );
          const failed = out.Errors ?? [];
          if (failed.length > 0) {
            const first = failed[0];
            throw new Error(`Could not delete ${failed.length} object(s) under ${prefix}: ${first?.Key} ${first?.Code}`);
          }
          count += keys.length;
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return count;
    },

    async *list() {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }));
        for (const object of page.Contents ?? []) {
          if (object.Key) yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    localPath() {
      return undefined;
    },

    async presignGet(key, opts) {
      assertSafeKey(key);
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        // The stored type is what the uploader declared: the answer says what the service found.
        ResponseContentType: opts.serving?.contentType,
        ResponseContentDisposition: opts.serving ? contentDisposition(opts.serving.inline, opts.serving.filename) : undefined,
      });
      return getSignedUrl(client, command, { expiresIn: opts.expiresInSeconds });
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
  };
  return driver;
}
