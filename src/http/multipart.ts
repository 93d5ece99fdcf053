import type { IncomingMessage } from 'node:http';
import type { PassThrough, Readable } from 'node:stream';
import busboy from 'busboy';
import { invalidRequest, validationError } from '../platform/errors.ts';
import { detachableStream } from './upload-stream.ts';

export interface MultipartFile {
  stream: Readable;
  filename: string | undefined;
  mimeType: string | undefined;
}

export interface MultipartResult<T> {
  file: T | undefined;
  fields: Record<string, string>;
}

/**
 * `tap` receives the form's content (names, values, file names and bytes), not its raw bytes: two
 * sends of the same form differ in their boundary, and an Idempotency-Key must see them as equal.
 *
 * Streams one file field of a multipart body to onFile as it arrives (never buffered). Text fields are
 * collected. When onFile fails (say, the size limit), the call rejects at once and the rest of the body
 * is drained in the background, so the client gets its answer without a reset.
 */
export function readMultipart<T>(
  request: IncomingMessage,
  fileField: string,
  onFile: (file: MultipartFile, fieldsSoFar: Record<string, string>) => Promise<T>,
  tap?: (chunk: Buffer) => void,
): Promise<MultipartResult<T>> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return Promise.reject(
      validationError('Content-Type must be multipart/form-data.', [
        { loc: ['header', 'content-type'], msg: 'expected multipart/form-data', type: 'value_error' },
      ]),
    );
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 40 } });
    } catch {
      reject(invalidRequest('The multipart body has no boundary.'));
      return;
    }
    const fields: Record<string, string> = {};
    let pending: Promise<T> | undefined;
    let body: PassThrough | undefined;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      // An unfinished file stream must error, or its consumer would wait for the end forever.
      if (body && !body.writableEnded) body.destroy(err instanceof Error ? err : new Error(String(err)));
      request.unpipe(parser);
      request.resume();
      reject(err);
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(invalidRequest(`The form field ${name} is longer than 64 KiB.`));
      else fields[name] = value;
      tap?.(Buffer.from(`field ${JSON.stringify(name)}=${JSON.stringify(value)}\n`));
    });
    parser.on('file', (name, stream, info) => {
      // After a refusal the parser may still emit a part from the chunk it was parsing; fed no more
      // bytes, that part would never end, and an upload started on it would wait forever.
      if (settled || name !== fileField || pending) {
        stream.resume();
        return;
      }
      tap?.(Buffer.from(`file ${JSON.stringify(name)} ${JSON.stringify(info.filename ?? '')}\n`));
      const copy = detachableStream(stream);
      // After the pipe inside detachableStream, so the tap sees exactly the bytes the consumer gets.
      if (tap) stream.on('data', tap);
      body = copy.stream;
      stream.on('error', (err) => fail(invalidRequest(`The upload stream failed: ${err.message}`)));
      pending = onFile({ stream: copy.stream, filename: info.filename, mimeType: info.mimeType }, { ...fields });
      pending.catch((err: unknown) => {
        copy.release();
        fail(err);
      });
    });
    parser.on('error', () => fail(invalidRequest('The multipart body is malformed.')));
    parser.on('close', () => {
      if (settled) return;
      if (!pending) {
        settled = true;
        resolve({ file: undefined, fields });
        return;
      }
      pending.then(
        (file) => {
          settled = true;
          resolve({ file, fields });
        },
        () => undefined,
      );
    });
    request.on('aborted', () => fail(invalidRequest('The request was aborted.')));
    request.pipe(parser);
  });
}
