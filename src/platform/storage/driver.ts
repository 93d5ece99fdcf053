// The storage contract shared by the local-disk and S3 drivers, plus the helpers both use.
import { lstat } from 'node:fs/promises';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { paceScavenges } from '../scavenge-pacer.ts';

/** Inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface StoredObject {
  size: number;
  /** Opaque validator without surrounding quotes; the HTTP layer adds them. */
  etag?: string;
  lastModified?: Date;
}

export interface PutOptions {
  contentType?: string;
  maxBytes?: number;
}

export interface PresignOptions {
  expiresInSeconds: number;
  /** How the answer presents the bytes (else as stored): their type, and in place or as a download of this name. */
  serving?: { contentType: string; inline: boolean; filename: string };
}

export interface StorageDriver {
  readonly kind: 'local' | 's3';
  /**
   * Streams body into key. On ANY error (source stream error, limit exceeded, abort) none of body's
   * bytes are left at key, and the error is rethrown unchanged. Resolves with the byte count. A
   * failed put never removes what another put already stored at key: an ingest retried while the
   * first attempt still ran would otherwise lose the retry's finished object.
   */
  put(key: string, body: Readable, opts?: PutOptions): Promise<{ size: number }>;
  /**
   * Stores a finished local regular file (never a symlink) under key, as put does. The file may be
   * moved rather than copied: it is gone or unchanged afterwards, so the caller must be done with it.
   */
  putFile(key: string, file: string, opts?: PutOptions): Promise<{ size: number }>;
  /** Throws ObjectNotFoundError when missing. A range starting past the end yields no bytes. */
  getStream(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<StoredObject | null>;
  /** Idempotent: a missing key is fine. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with prefix (used for cleanup); returns the count. */
  deletePrefix(prefix: string): Promise<number>;
  /** Every stored object (not unfinished writes), for the maintenance sweep. */
  list(): AsyncIterable<{ key: string; size: number; lastModified: Date }>;
  /**
   * Local disk: removes the temp files of writes last touched before `before` (a process killed
   * mid-put leaves one); returns how many. S3 has none to remove: a bucket lifecycle rule
   * (AbortIncompleteMultipartUpload, see README) ends the multipart uploads a crash leaves open.
   */
  removeUnfinishedWrites?(before: Date): Promise<number>;
  /** Local: absolute path on disk for ffprobe/ffmpeg to read. S3: undefined. */
  localPath(key: string): string | undefined;
  /** S3: short-lived presigned GET URL (optional download filename). Local: undefined. */
  presignGet(key: string, opts: PresignOptions): Promise<string | undefined>;
  /** Readiness: throws when the backend is unreachable. */
  ping(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`Object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

export class ObjectTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The object exceeds the limit of ${limitBytes} bytes.`);
    this.name = 'ObjectTooLargeError';
  }
}

export class UnsafeKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Unsafe storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'UnsafeKeyError';
  }
}

/**
 * A pass-through that counts bytes and fails with ObjectTooLargeError past maxBytes. Every put passes
 * one, so it also paces scavenges for the chunks it sees (see scavenge-pacer.ts).
 */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(readonly maxBytes: number = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    paceScavenges(chunk.length);
    if (this.bytes > this.maxBytes) {
      callback(new ObjectTooLargeError(this.maxBytes));
      return;
    }
    callback(null, chunk);
  }
}

export function byteLimit(maxBytes?: number): ByteCounter {
  return new ByteCounter(maxBytes);
}

/** The size of a file putFile may store: a regular file (lstat, so not a symlink) within maxBytes. */
export async function regularFileSize(file: string, maxBytes?: number): Promise<number> {
  const info = await lstat(file);
  if (!info.isFile()) throw new Error(`${file} is not a regular file`);
  if (maxBytes !== undefined && info.size > maxBytes) throw new ObjectTooLargeError(maxBytes);
  return info.size;
}

/** Keys are `<account>/<file id>/<filename>`: relative, slash-separated, no dot segments. */
export function assertSafeKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new UnsafeKeyError(String(key), 'empty');
  if (key.includes('\0')) throw new UnsafeKeyError(key, 'contains NUL');
  if (key.includes('\\')) throw new UnsafeKeyError(key, 'contains a backslash');
  if (key.startsWith('/')) throw new UnsafeKeyError(key, 'absolute');
  for (const segment of key.split('/')) {
    if (segment === '') throw new UnsafeKeyError(key, 'empty path segment');
    if (segment === '.' || segment === '..') throw new UnsafeKeyError(key, 'dot segment');
  }
}

/** A prefix is a key's leading part; refusing the empty prefix keeps cleanup from wiping a store. */
export function assertSafePrefix(prefix: string): void {
  if (prefix.length === 0) throw new UnsafeKeyError(prefix, 'empty prefix');
  assertSafeKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`Invalid range start ${start}`);
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new RangeError(`Invalid range end ${end}`);
  }
}
