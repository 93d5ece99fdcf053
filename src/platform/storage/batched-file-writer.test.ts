import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
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

/** Pipes chunks into a new file through the writer; returns the file's bytes and each write's size. */
async function writeThrough(chunks: Buffer[], batchBytes: number): Promise<{ bytes: Buffer; writes: number[] }> {
  const file = path.join(dir, `out-${randomBytes(4).toString('hex')}`);
  const handle = await open(file, 'wx');
  const write = vi.spyOn(handle, 'write');
  try {
    await pipeline(Readable.from(chunks), new BatchedFileWriter(handle, batchBytes));
  } finally {
    await handle.close();
  }
  const writes = write.mock.calls.map((args) => Number(args[2]));
  return { bytes: await readFile(file), writes };
}

describe('BatchedFileWriter', () => {
  it('writes every byte in order, one write per full batch (the last may be short)', async () => {
    const sizes = [1, 700, 65_536, 3, 12_000, 250_000, 9, 40_000, 1_000_000, 17];
    const chunks = sizes.map((n) => randomBytes(n));
    const { bytes, writes } = await writeThrough(chunks, 100_000);
    expect(bytes.equals(Buffer.concat(chunks))).toBe(true);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(writes.slice(0, -1).every((n) => n === 100_000)).toBe(true);
    expect(writes.length).toBe(Math.ceil(bytes.length / 100_000));
  });

  it('copies each chunk before taking the next: a chunk changed afterwards is stored as it was', async () => {
    const file = path.join(dir, 'copied');
    const handle = await open(file, 'wx');
    const writer = new BatchedFileWriter(handle, 64 * 1024);
    const chunk = Buffer.from('first chunk, still in an unwritten batch');
    const original = Buffer.from(chunk);
    try {
      await new Promise<void>((resolve, reject) => writer.write(chunk, (err) => (err ? reject(err) : resolve())));
      chunk.fill(0); // a writer that kept the chunk for its batch would now store zeros
      writer.end(Buffer.from(' and the last'));
      await new Promise((resolve, reject) => writer.on('finish', resolve).on('error', reject));
    } finally {
      await handle.close();
    }
    expect((await readFile(file)).toString()).toBe(`${original.toString()} and the last`);
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
    const write = vi.spyOn(handle, 'write');
    // A short write, as the kernel may make: part of the bytes, no error.
    write.mockImplementationOnce((async (buffer: Buffer) => {
      const bytesWritten = writeSync(handle.fd, chunks[0]!.subarray(0, 1234));
      return { bytesWritten, buffer };
    }) as typeof handle.write);
    try {
      await pipeline(Readable.from(chunks), new BatchedFileWriter(handle, 1024 * 1024));
    } finally {
      await handle.close();
    }
    expect((await readFile(file)).equals(Buffer.concat(chunks))).toBe(true);
    expect(write).toHaveBeenCalledTimes(2);

    const full = await open(path.join(dir, 'full'), 'wx');
    const fullWrite = vi.spyOn(full, 'write');
    fullWrite.mockImplementationOnce((async (buffer: Buffer) => ({ bytesWritten: 10, buffer })) as typeof full.write);
    fullWrite.mockImplementationOnce(async () => {
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
