import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

type Callback = (error?: Error | null) => void;

/**
 * Writes a stream into an open file through two buffers of batchBytes: chunks are copied into one
 * while the other is written, one write per full buffer.
 *
 * Why batches, not fs.createWriteStream: that starts a write as soon as it is idle, and a write into
 * the page cache finishes before the next socket read (64 KiB) arrives, so an upload made one
 * thread-pool round trip (futex, eventfd, epoll wake-up) per read: about 10,000 per GiB, most of the
 * upload's system time on 2 cores. Batches make it about 1,000.
 *
 * Why copy the chunks rather than keep them for one writev: Node hands each chunk over in a new
 * buffer outside V8's heap, freed only when V8 collects it. A chunk copied at once dies young and goes
 * in the next scavenge (platform/scavenge-pacer.ts); a chunk kept for a batch lives through
 * scavenges, is promoted, and then waits for a major GC.
 */
export class BatchedFileWriter extends Writable {
  private current: Buffer | undefined;
  private filled = 0;
  private spare: Buffer | undefined;
  /** The other buffer's write; it never rejects (a failure is kept in `failure`). */
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly file: FileHandle,
    private readonly batchBytes: number,
  ) {
    super({ decodeStrings: true });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    this.copyIn(chunk, 0, callback);
  }

  override _final(callback: Callback): void {
    const writeRest = () => {
      if (this.failure) callback(this.failure);
      else if (!this.current || this.filled === 0) callback();
      else writeAll(this.file, this.current, this.filled).then(() => callback(), callback);
    };
    if (this.writing) void this.writing.then(writeRest);
    else writeRest();
  }

  private copyIn(chunk: Buffer, offset: number, callback: Callback): void {
    if (this.failure) {
      callback(this.failure);
      return;
    }
    this.current ??= Buffer.allocUnsafe(this.batchBytes);
    while (offset < chunk.length) {
      if (this.filled === this.batchBytes) {
        // Both buffers are taken: go on once the write in flight is done.
        if (this.writing) {
          void this.writing.then(() => this.copyIn(chunk, offset, callback));
          return;
        }
        this.writeCurrent();
      }
      const copied = chunk.copy(this.current, this.filled, offset);
      this.filled += copied;
      offset += copied;
    }
    callback();
  }

  private writeCurrent(): void {
    const full = this.current!;
    this.writing = writeAll(this.file, full, this.filled)
      .then(
        () => {
          this.spare = full;
        },
        (error: Error) => {
          this.failure ??= error;
        },
      )
      .finally(() => {
        this.writing = undefined;
      });
    this.current = this.spare ?? Buffer.allocUnsafe(this.batchBytes);
    this.spare = undefined;
    this.filled = 0;
  }
}

/** Writes buffer's first length bytes at the file's position, again after a short write. */
async function writeAll(file: FileHandle, buffer: Buffer, length: number): Promise<void> {
  for (let offset = 0; offset < length; ) {
    const { bytesWritten } = await file.write(buffer, offset, length - offset);
    // A second write after a short one fails with the real error (ENOSPC, EIO), not a bare short count.
    if (bytesWritten === 0) throw new Error(`the file accepted none of the last ${length - offset} bytes`);
    offset += bytesWritten;
  }
}
