import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchedFileWriter } from './batched-file-writer.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'batched-writer-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Pipes chunks into a new file through the writer; returns the file's bytes and each writev's size. */
async function writeThrough(chunks: Buffer[], batchBytes: number): Promise<{ bytes: Buffer; writes: number[] }> {
  const file = path.join(dir, `out-${randomBytes(4).toString('hex')}`);
  const handle = await open(file, 'wx');
  const writev = vi.spyOn(handle, 'writev');
  try {
    await pipeline(Readable.from(chunks), new BatchedFileWriter(handle, batchBytes));
  } finally {
    await handle.close();
  }
  const writes = writev.mock.calls.map(([buffers]) => buffers.reduce((n, b) => n + b.byteLength, 0));
  return { bytes: await readFile(file), writes };
}

describe('BatchedFileWriter', () => {
  it('writes every byte in order, one writev per batch of at least batchBytes (the last may be short)', async () => {
    const sizes = [1, 700, 65_536, 3, 12_000, 250_000, 9, 40_000, 1_000_000, 17];
    const chunks = sizes.map((n) => randomBytes(n));
    const { bytes, writes } = await writeThrough(chunks, 100_000);
    expect(bytes.equals(Buffer.concat(chunks))).toBe(true);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(writes.slice(0, -1).every((n) => n >= 100_000)).toBe(true);
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(bytes.length / 100_000));
  });

  it('makes one write for a stream smaller than a batch, and none for an empty one', async () => {
    const small = await writeThrough([Buffer.from('hello '), Buffer.from('world')], 1024);
    expect(small.bytes.toString()).toBe('hello world');
    expect(small.writes).toEqual([11]);
    const empty = await writeThrough([], 1024);
    expect(empty.bytes.length).toBe(0);
    expect(empty.writes).toEqual([]);
  });

  it('writes the rest after a short write, and fails with the error the rest meets (a full disk)', async () => {
    const file = path.join(dir, 'short');
    const handle = await open(file, 'wx');
    const chunks = [randomBytes(3000), randomBytes(5000)];
    const writev = vi.spyOn(handle, 'writev');
    // As libuv reports a later slice failing: what it wrote before, no error.
    writev.mockImplementationOnce(async (buffers) => {
      const { bytesWritten } = await handle.write(chunks[0]!.subarray(0, 1234));
      return { bytesWritten, buffers };
    });
    try {
      await pipeline(Readable.from(chunks), new BatchedFileWriter(handle, 1024 * 1024));
    } finally {
      await handle.close();
    }
    expect((await readFile(file)).equals(Buffer.concat(chunks))).toBe(true);
    expect(writev).toHaveBeenCalledTimes(2);

    const full = await open(path.join(dir, 'full'), 'wx');
    const fullWritev = vi.spyOn(full, 'writev');
    fullWritev.mockImplementationOnce(async (buffers) => ({ bytesWritten: 10, buffers }));
    fullWritev.mockImplementationOnce(async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    try {
      await expect(pipeline(Readable.from(chunks), new BatchedFileWriter(full, 1024 * 1024))).rejects.toMatchObject({ code: 'ENOSPC' });
    } finally {
      await full.close();
    }
  });

  it('fails the pipeline when the file cannot be written', async () => {
    const file = path.join(dir, 'read-only');
    await writeFile(file, '');
    const handle = await open(file, 'r');
    try {
      await expect(pipeline(Readable.from([randomBytes(4096)]), new BatchedFileWriter(handle, 1024))).rejects.toThrow(/EBADF/);
    } finally {
      await handle.close();
    }
  });
});
