import { describe, expect, it } from 'vitest';
import { isPassingFailure } from './passing-errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const s3Error = (name: string, httpStatusCode: number | undefined, extra: object = {}) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode }, ...extra });

describe('isPassingFailure (is the same work worth trying again?)', () => {
  it('yes for the network, the disk or the database failing for now', () => {
    expect(isPassingFailure(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isPassingFailure(withCode('no space left on device', 'ENOSPC'))).toBe(true);
    expect(isPassingFailure(new Error('wrapped', { cause: withCode('connect ETIMEDOUT', 'ETIMEDOUT') }))).toBe(true);
    expect(isPassingFailure(new Error("Can't reach database server at 127.0.0.1:5432"))).toBe(true);
    expect(isPassingFailure(withCode('Transaction failed due to a write conflict or a deadlock', 'P2034'))).toBe(true);
  });

  it('yes for an object store that is busy or failing', () => {
    expect(isPassingFailure(s3Error('InternalError', 500))).toBe(true);
    expect(isPassingFailure(s3Error('SlowDown', 503))).toBe(true);
    expect(isPassingFailure(s3Error('TooManyRequests', 429))).toBe(true);
    expect(isPassingFailure(s3Error('Unknown', 400, { $retryable: {} }))).toBe(true);
  });

  it('no for bugs, constraints, refusals and anything unknown', () => {
    expect(isPassingFailure(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isPassingFailure(new Error('the disk failed'))).toBe(false);
    expect(isPassingFailure(withCode('Unique constraint failed on the fields: (`id`)', 'P2002'))).toBe(false);
    expect(isPassingFailure(withCode('EACCES: permission denied', 'EACCES'))).toBe(false);
    expect(isPassingFailure(s3Error('AccessDenied', 403))).toBe(false);
    expect(isPassingFailure(s3Error('NoSuchBucket', 404))).toBe(false);
    expect(isPassingFailure(undefined)).toBe(false);
    expect(isPassingFailure('a string')).toBe(false);
  });
});
