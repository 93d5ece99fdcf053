import { PassThrough, type Readable } from 'node:stream';
import { invalidRequest } from '../platform/errors.ts';

/**
 * Hands a consumer its own copy of a multipart file stream. When the consumer gives up (size limit,
 * storage error) it calls release(): the parser's stream is then drained instead of destroyed, which
 * keeps busboy (and graphql-upload-minimal) healthy and lets the request finish. A 'limit' event on the
 * source (graphql-upload-minimal truncates silently and unpipes) becomes an error on the copy.
 */
export function detachableStream(source: Readable, limitError?: () => Error): { stream: PassThrough; release(): void } {
  const stream = new PassThrough();
  // The copy may be destroyed with an error after its consumer already finished (a request that
  // breaks after a complete file part): that must not become an unhandled 'error' event.
  stream.on('error', () => undefined);
  source.on('limit', () => stream.destroy(limitError?.() ?? new Error('upload truncated at the size limit')));
  // The parser fails a file part only for the client's reasons (a body malformed or cut short).
  source.on('error', (err) => stream.destroy(invalidRequest(`The upload stream failed: ${err.message}`)));
  source.pipe(stream);
  return {
    stream,
    release() {
      source.unpipe(stream);
      source.resume();
    },
  };
}
