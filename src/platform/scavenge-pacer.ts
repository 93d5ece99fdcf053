// Node hands over every chunk it reads (an HTTP body, a file, a socket) in a new buffer whose memory
// lies outside V8's heap and is freed only when V8 collects the chunk's object, at a scavenge. V8 also
// counts that memory, allocated since its last full GC, against the old generation's limit. A stream
// of chunks outruns the scavenges (a 1 MiB young generation fills once per 20 MB or so of body), and
// once the limit sits close to the live heap, as it does after an idle spell, the stream sets off a
// major GC every 100-200 ms: 40 to 90 per GiB uploaded or downloaded (nodejs/node#1671; figures in
// BENCHMARKS.md). So byte streams report their chunks here, and every few MiB a scavenge frees the
// dead ones before they count.
//
// Why 4 MiB: a few times what a stream keeps alive (the file writer copies chunks out at once), or the
// chunks still in flight survive two scavenges, are promoted, and then wait for a major GC (1 MiB
// costs more scavenges for nothing; 16 MiB leaves too much in flight after idle).
import { Transform, type TransformCallback } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';

export const DEFAULT_PACE_BYTES = 4 * 1024 * 1024;

type GcFunction = (options: { type: 'minor' | 'major' }) => void;

let paceBytes = DEFAULT_PACE_BYTES;
let sinceScavenge = 0;
let scavenger: GcFunction | null | undefined;

/** Bytes between the scavenges asked for; 0 turns pacing off. */
export function setScavengePace(bytes: number): void {
  paceBytes = bytes;
  sinceScavenge = 0;
}

/** Reports bytes of a chunk a stream has just handed on. */
export function paceScavenges(bytes: number): void {
  if (paceBytes <= 0) return;
  sinceScavenge += bytes;
  if (sinceScavenge < paceBytes) return;
  sinceScavenge = 0;
  scavenger ??= exposeGc();
  scavenger?.({ type: 'minor' });
}

/** A pass-through stage for byte streams that pass no ByteCounter (downloads, command inputs). */
export function scavengePaced(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      paceScavenges(chunk.length);
      callback(null, chunk);
    },
  });
}

/**
 * V8's gc() without --expose-gc on the command line and without a global gc(): a new context gets it
 * while the flag is on, and the flag goes off again at once, so no other context ever sees it.
 */
function exposeGc(): GcFunction | null {
  const onCommandLine = process.execArgv.some((arg) => /^--expose[-_]gc$/.test(arg));
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as GcFunction) : null;
  } catch {
    return null;
  } finally {
    if (!onCommandLine) v8.setFlagsFromString('--no-expose-gc');
  }
}
