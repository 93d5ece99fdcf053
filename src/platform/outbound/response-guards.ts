import type { IncomingMessage } from 'node:http';
import { finished, type Readable, Transform } from 'node:stream';
import { OutboundError, toOutboundError } from './outbound-error.ts';

export interface LifetimeOptions {
  totalTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface Lifetime {
  /** Points the deadline and the abort signal at whatever is in flight now: a request, then a body. */
  onCancel(cancel: (err: OutboundError) => void): void;
  dispose(): void;
}

export const timedOut = (what: string, ms: number, host: string) =>
  new OutboundError('DOWNLOAD_TIMEOUT', `${what} ${host} took longer than ${ms} ms.`, true);

export const tooLarge = (maxBytes: number, host: string) =>
  new OutboundError('FILE_TOO_LARGE', `The file from ${host} is larger than the limit of ${maxBytes} bytes.`, false);

/** One total deadline and one abort signal covering every redirect hop and the body. */
export function lifetime(opts: LifetimeOptions, host: () => string): Lifetime {
  let cancel: (err: OutboundError) => void = () => {};
  let failure: OutboundError | undefined;
  const fail = (err: OutboundError) => {
    failure ??= err;
    cancel(failure);
  };
  const totalMs = opts.totalTimeoutMs ?? 600_000;
  const timer = setTimeout(() => fail(timedOut('Fetching from', totalMs, host())), totalMs);
  const onAbort = () =>
    fail(new OutboundError('UNREACHABLE_INPUT_FILE', 'The request was aborted.', true, { cause: opts.signal?.reason }));
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    onCancel(fn) {
      cancel = fn;
      if (failure) fn(failure);
    },
    dispose() {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Counts bytes and turns every later failure of the response into an OutboundError on the body. */
export function guardBody(res: IncomingMessage, host: string, maxBytes: number | undefined, life: Lifetime): Readable {
  let seen = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (maxBytes !== undefined && seen > maxBytes) return callback(tooLarge(maxBytes, host));
      callback(null, chunk);
    },
  });
  // A failure may come before the consumer attaches its own listener (a local put opens its temp file
  // first): unheard, that 'error' event would end the process. The stream stays destroyed with the
  // error, which a later pipeline still reports.
  body.on('error', () => undefined);
  // Resets and premature closes (ERR_STREAM_PREMATURE_CLOSE) surface here, not as pipe errors.
  finished(res, (err) => {
    if (err) body.destroy(toOutboundError(err, host));
  });
  body.once('close', () => {
    life.dispose();
    if (!res.destroyed) res.destroy();
  });
  life.onCancel((err) => body.destroy(err));
  return res.pipe(body);
}
