import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PACE_BYTES, paceScavenges, scavengePaced, setScavengePace } from './scavenge-pacer.ts';
import { createLocalDriver } from './storage/local-driver.ts';

const MIB = 1024 * 1024;

/** Young-generation collections (scavenges) V8 ran during work, as its GC performance entries report them. */
async function scavengesDuring(work: () => Promise<void> | void): Promise<number> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries arrive after the fact
  } finally {
    observer.disconnect();
  }
  return entries.filter((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR).length;
}

/** chunkCount fresh 64 KiB buffers, as Node hands a body over. */
function freshChunks(chunkCount: number): Readable {
  let left = chunkCount;
  return new Readable({
    read() {
      this.push(left-- > 0 ? Buffer.alloc(64 * 1024, left & 0xff) : null);
    },
  });
}

afterEach(() => setScavengePace(DEFAULT_PACE_BYTES));

describe('scavenge pacer', () => {
  it('asks V8 for one scavenge per pace of bytes reported, not one per chunk', async () => {
    setScavengePace(MIB);
    const paced = await scavengesDuring(() => {
      for (let i = 0; i < 256; i++) paceScavenges(64 * 1024); // 16 MiB in 64 KiB chunks
    });
    expect(paced).toBeGreaterThanOrEqual(16);
    expect(paced).toBeLessThanOrEqual(18);

    setScavengePace(0);
    const off = await scavengesDuring(() => {
      for (let i = 0; i < 256; i++) paceScavenges(64 * 1024);
    });
    expect(off).toBeLessThanOrEqual(2);
  });

  it('paces the chunks of a storage put and of a stream through scavengePaced, which passes them on unchanged', async () => {
    setScavengePace(MIB);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'scavenge-pacer-'));
    try {
      const storage = createLocalDriver(dir);
      let size = 0;
      const putScavenges = await scavengesDuring(async () => {
        ({ size } = await storage.put('account/file/eight.bin', freshChunks(128)));
      });
      expect(size).toBe(8 * MIB);
      expect(putScavenges).toBeGreaterThanOrEqual(8);

      const body = randomBytes(4 * MIB);
      const received: Buffer[] = [];
      const passScavenges = await scavengesDuring(() =>
        pipeline(
          Readable.from([body.subarray(0, MIB), body.subarray(MIB, 3 * MIB), body.subarray(3 * MIB)]),
          scavengePaced(),
          new Writable({
            write(chunk: Buffer, _encoding, callback) {
              received.push(chunk);
              callback();
            },
          }),
        ),
      );
      expect(Buffer.concat(received).equals(body)).toBe(true);
      expect(passScavenges).toBeGreaterThanOrEqual(3); // one per chunk of at least the pace
      expect((await readFile(path.join(dir, 'account/file/eight.bin'))).length).toBe(8 * MIB);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
