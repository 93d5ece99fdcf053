import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/**
 * Writes a stream into an open file in batches of at least batchBytes, one writev per batch.
 *
 * Why not fs.createWriteStream: it starts a write as soon as it is idle, and a write into the page
 * cache finishes before the next socket read (64 KiB) arrives, so an upload made one thread-pool
 * round trip (futex, eventfd, epoll wake-up) per read: about 10,000 per GiB, most of the upload's
 * system time on 2 cores. Batching makes that about 1,000, and never holds more than two batches.
 */
export class BatchedFileWriter extends Writable {
  private batch: Buffer[] = [];
  private batchLength = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly batchBytes: number,
  ) {
    // Chunks arriving while a batch is written wait here, up to one more batch, before the source pauses.
    super({ highWaterMark: batchBytes, decodeStrings: true });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.add([chunk], callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.add(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush().then(() => callback(), callback);
  }

  private add(chunks: Buffer[], callback: (error?: Error | null) => void): void {
    for (const chunk of chunks) {
      this.batch.push(chunk);
      this.batchLength += chunk.length;
    }
    if (this.batchLength < this.batchBytes) callback();
    else this.flush().then(() => callback(), callback);
  }

  private async flush(): Promise<void> {
    let buffers = this.batch;
    let left = this.batchLength;
    this.batch = [];
    this.batchLength = 0;
    while (left > 0) {
      // libuv stops at the first slice that fails and reports what it wrote before it; writing the
      // rest again then fails with the real error (ENOSPC, EIO) instead of a bare short count.
      const { bytesWritten } = await this.file.writev(buffers);
      if (bytesWritten === 0) throw new Error(`the file accepted none of the last ${left} bytes`);
      left -= bytesWritten;
      buffers = unwritten(buffers, bytesWritten);
    }
  }
}

/** What is left of buffers after their first n bytes. */
function unwritten(buffers: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < buffers.length && n >= buffers[i]!.length) n -= buffers[i++]!.length;
  return i < buffers.length ? [buffers[i]!.subarray(n), ...buffers.slice(i + 1)] : [];
}
