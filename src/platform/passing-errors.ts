import { isDatabaseUnavailable } from './errors.ts';

// Codes of a peer or a resource that is missing for now, not of a mistake that would happen again:
// Node's system errors, and Prisma's transaction conflicts (a deadlock, a write conflict).
const PASSING_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'EAGAIN',
  'EMFILE',
  'ENFILE',
  'ENOMEM',
  'ENOSPC',
  'EBUSY',
  'P2028',
  'P2034',
]);

// The S3 client's errors for a store that is busy or failing for now.
const PASSING_S3_NAMES = new Set(['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout', 'ThrottlingException', 'TimeoutError']);

interface MaybeS3Error {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * True when an error is likely to pass if the same work is tried again a little later: the database,
 * the object store or the network failing for now. False for everything else (a bug, a constraint,
 * a refusal), which would only fail again, after redoing all the work.
 */
export function isPassingFailure(err: unknown): boolean {
  if (isDatabaseUnavailable(err)) return true;
  for (let e = err as MaybeS3Error | undefined, depth = 0; e && typeof e === 'object' && depth < 6; e = e.cause as MaybeS3Error, depth++) {
    if (typeof e.code === 'string' && PASSING_CODES.has(e.code)) return true;
    if (e.$metadata) {
      const status = e.$metadata.httpStatusCode;
      if (e.$retryable || (typeof e.name === 'string' && PASSING_S3_NAMES.has(e.name)) || status === 429 || (status ?? 0) >= 500) return true;
    }
  }
  return false;
}
