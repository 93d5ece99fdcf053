// Local-disk storage: one file per key under a root directory. Writes land in a temp file beside
// the target and are renamed into place, so a reader never sees a partial object.
import { randomBytes } from 'node:crypto';
import { constants, createReadStream, type Stats } from 'node:fs';
import { access, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BatchedFileWriter } from './batched-file-writer.ts';
import {
  assertSafeKey,
  assertSafePrefix,
  assertValidRange,
  byteLimit,
  ObjectNotFoundError,
  regularFileSize,
  UnsafeKeyError,
  type StorageDriver,
} from './driver.ts';

// `~` is in no name the service stores (file names are reduced to [A-Za-z0-9._-]), so a temp file
// can never be taken for an object, nor an object for a temp file.
const TEMP_FILE = /~part-[0-9a-f]{12}$/;
const WRITE_BATCH_BYTES = 1024 * 1024;

function hasCode(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/**
 * `touchEveryMs`: how often a write in progress stamps its temp file. The sweep takes a temp file
 * untouched for an hour for one a dead process left, and BatchedFileWriter writes only whole 1 MiB
 * batches: a slow upload that keeps moving would look dead, lose its temp file and fail.
 */
export function createLocalDriver(rootDir: string, opts: { touchEveryMs?: number } = {}): StorageDriver {
  const root = path.resolve(rootDir);
  const touchEveryMs = opts.touchEveryMs ?? 60_000;

  function resolveKey(key: string): string {
    assertSafeKey(key);
    if (TEMP_FILE.test(key)) throw new UnsafeKeyError(key, 'is the name of an unfinished write');
    const full = path.resolve(root, ...key.split('/'));
    if (!full.startsWith(root + path.sep)) throw new UnsafeKeyError(key, 'escapes the storage root');
    return full;
  }

  /**
   * Creates target's directory, then runs write. A concurrent delete may prune that directory, still
   * empty, before write uses it: on ENOENT both run again (up to 5 times) while retryable() agrees.
   */
  async function inTargetDir<T>(target: string, write: () => Promise<T>, retryable = async () => true): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await mkdir(path.dirname(target), { recursive: true });
      try {
        return await write();
      } catch (err) {
        if (!hasCode(err, 'ENOENT') || attempt >= 5 || !(await retryable())) throw err;
      }
    }
  }

  function openTemp(target: string): Promise<{ tmp: string; handle: FileHandle }> {
    return inTargetDir(target, async () => {
      const tmp = `${target}~part-${randomBytes(6).toString('hex')}`;
      return { tmp, handle: await open(tmp, 'wx') };
    });
  }

  async function pruneEmptyParents(dir: string): Promise<void> {
    while (dir.startsWith(root + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
      dir = path.dirname(dir);
    }
  }

  /** Every regular file under the root (objects and temp files alike), with its stat. */
  async function* filesUnderRoot(): AsyncGenerator<{ name: string; full: string; info: Stats }> {
    const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch((err: unknown) => {
      if (hasCode(err, 'ENOENT')) return [];
      throw err;
    });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      const info = await stat(full).catch(() => null); // gone since the listing
      if (info) yield { name: entry.name, full, info };
    }
  }

  async function removeFile(file: string): Promise<void> {
    try {
      await unlink(file);
    } catch (err) {
      if (!hasCode(err, 'ENOENT', 'ENOTDIR', 'EISDIR')) throw err;
    }
  }

  const driver: StorageDriver = {
    kind: 'local',

    // Same disk: a rename, no copy (a command's output moves from its working directory).
    async putFile(key, file, opts = {}) {
      const target = resolveKey(key);
      const size = await regularFileSize(file, opts.maxBytes);
      // A rename keeps the file's mtime, which the sweep reads as the object's age: an output FFmpeg
      // finished an hour before its command ended would look like an orphan before its row exists.
      const now = new Date();
      await utimes(file, now, now);
      // ENOENT is retried only while the source is still there (else it is the source that is gone).
      const sourceExists = async () => (await lstat(file).catch(() => null)) !== null;
      try {
        await inTargetDir(target, () => rename(file, target), sourceExists);
      } catch (err) {
        if (!hasCode(err, 'EXDEV')) throw err;
        return driver.put(key, createReadStream(file), opts);
      }
      return { size };
    },

    async put(key, body, opts = {}) {
      const target = resolveKey(key);
      const counter = byteLimit(opts.maxBytes);
      let tmp: string | undefined;
      try {
        const opened = await openTemp(target);
        tmp = opened.tmp;
        const keepFresh = setInterval(() => {
          const now = new Date();
          opened.handle.utimes(now, now).catch(() => undefined); // a missed stamp only ages the file
        }, touchEveryMs);
        keepFresh.unref();
        try {
          await pipeline(body, counter, new BatchedFileWriter(opened.handle, WRITE_BATCH_BYTES));
        } finally {
          clearInterval(keepFresh);
          await opened.handle.close();
        }
        await rename(tmp, target);
        return { size: counter.bytes };
      } catch (err) {
        body.destroy();
        // Cleanup is best effort: the caller needs the original error, not a cleanup failure. Only
        // the temp file is ours: the rename is the last step, so target is another put's.
        if (tmp) await rm(tmp, { force: true }).catch(() => undefined);
        await pruneEmptyParents(path.dirname(target));
        throw err;
      }
    },

    async getStream(key, range) {
      const file = resolveKey(key);
      if (range) assertValidRange(range);
      let handle: FileHandle;
      try {
        handle = await open(file, 'r');
      } catch (err) {
        if (hasCode(err, 'ENOENT', 'ENOTDIR')) throw new ObjectNotFoundError(key);
        throw err;
      }
      const info = await handle.stat().catch(async (err: unknown) => {
        await handle.close();
        throw err;
      });
      if (!info.isFile()) {
        await handle.close();
        throw new ObjectNotFoundError(key);
      }
      return createReadStream(file, { fd: handle, start: range?.start, end: range?.end });
    },

    async stat(key) {
      const file = resolveKey(key);
      try {
        const s = await stat(file);
        if (!s.isFile()) return null;
        return {
          size: s.size,
          etag: `${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}`,
          lastModified: s.mtime,
        };
      } catch (err) {
        if (hasCode(err, 'ENOENT', 'ENOTDIR')) return null;
        throw err;
      }
    },

    async delete(key) {
      const file = resolveKey(key);
      await removeFile(file);
      await pruneEmptyParents(path.dirname(file));
    },

    async deletePrefix(prefix) {
      assertSafePrefix(prefix);
      const slash = prefix.lastIndexOf('/');
      const baseDir = slash === -1 ? root : resolveKey(prefix.slice(0, slash));
      const namePrefix = prefix.slice(slash + 1);
      let entries;
      try {
        entries = await readdir(baseDir, { withFileTypes: true });
      } catch (err) {
        if (hasCode(err, 'ENOENT', 'ENOTDIR')) return 0;
        throw err;
      }
      let count = 0;
      for (const entry of entries) {
        if (!entry.name.startsWith(namePrefix)) continue;
        const full = path.join(baseDir, entry.name);
        if (entry.isDirectory()) {
          const nested = await readdir(full, { withFileTypes: true, recursive: true });
          count += nested.filter((e) => !e.isDirectory() && !TEMP_FILE.test(e.name)).length;
          await rm(full, { recursive: true, force: true });
        } else {
          if (!TEMP_FILE.test(entry.name)) count++;
          await removeFile(full);
        }
      }
      await pruneEmptyParents(baseDir);
      return count;
    },

    async *list() {
      for await (const { name, full, info } of filesUnderRoot()) {
        if (!TEMP_FILE.test(name)) yield { key: path.relative(root, full).split(path.sep).join('/'), size: info.size, lastModified: info.mtime };
      }
    },

    async removeUnfinishedWrites(before) {
      let removed = 0;
      for await (const { name, full, info } of filesUnderRoot()) {
        if (!TEMP_FILE.test(name) || info.mtime >= before) continue;
        await removeFile(full);
        await pruneEmptyParents(path.dirname(full));
        removed++;
      }
      return removed;
    },

    localPath(key) {
      return resolveKey(key);
    },

    async presignGet() {
      return undefined;
    },

    async ping() {
      await mkdir(root, { recursive: true });
      await access(root, constants.R_OK | constants.W_OK);
    },
  };
  return driver;
}
