import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PassThrough, Readable } from 'node:stream';
import busboy from 'busboy';
import { invalidRequest, validationError } from '../platform/errors.ts';
import { canonicalJson } from './idempotency.ts';
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
 * Streams one file field of a multipart body to onFile as it arrives (never buffered). Text fields are
 * collected. When onFile fails (say, the size limit), the call rejects at once and the rest of the body
 * is drained in the background, so the client gets its answer without a reset.
 *
 * `fingerprint`, when given, receives the form's content once it is read (see formContent), not its
 * raw bytes: two sends of the same form differ in their boundary, and an Idempotency-Key must see
 * them as equal.
 */
export function readMultipart<T>(
  request: IncomingMessage,
  fileField: string,
  onFile: (file: MultipartFile, fieldsSoFar: Record<string, string>) => Promise<T>,
  fingerprint?: (content: string) => void,
): Promise<MultipartResult<T>> {
  // Seed 001: a Content-Type that is not multipart/form-data is 422; one without its boundary is not
  // a usable multipart/form-data either.
  const notMultipart = () =>
    validationError('Content-Type must be multipart/form-data with a boundary.', [
      { loc: ['header', 'content-type'], msg: 'expected multipart/form-data; boundary=…', type: 'value_error' },
    ]);
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return Promise.reject(notMultipart());
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // defParamCharset: browsers, curl and fetch send a part's filename="…" as raw UTF-8 (busboy reads latin1).
      parser = busboy({ headers: request.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 40 } });
    } catch {
      reject(notMultipart());
      return;
    }
    const fields: Record<string, string> = {};
    let fileDigest: FileDigest | undefined;
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
    });
    parser.on('file', (name, stream, info) => {
      // After a refusal the parser may still emit a part from the chunk it was parsing; fed no more
      // bytes, that part would never end, and an upload started on it would wait forever.
      if (settled || name !== fileField || pending) {
        stream.resume();
        return;
      }
      const copy = detachableStream(stream);
      // After the pipe inside detachableStream, so the digest sees exactly the bytes the consumer gets.
      if (fingerprint) fileDigest = digestFile(stream, name, info);
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
        fingerprint?.(formContent(fields, undefined));
        resolve({ file: undefined, fields });
        return;
      }
      pending.then(
        (file) => {
          settled = true;
          // onFile has read the whole file by now: the digest has seen every byte.
          fingerprint?.(formContent(fields, fileDigest));
          resolve({ file, fields });
        },
        () => undefined,
      );
    });
    request.on('aborted', () => fail(invalidRequest('The request was aborted.')));
    request.pipe(parser);
  });
}

interface FileDigest {
  field: string;
  filename: string | undefined;
  mimeType: string | undefined;
  sha256: Hash;
  size: number;
}

function digestFile(stream: Readable, field: string, info: busboy.FileInfo): FileDigest {
  const digest: FileDigest = { field, filename: info.filename, mimeType: info.mimeType, sha256: createHash('sha256'), size: 0 };
  stream.on('data', (chunk: Buffer) => {
    digest.sha256.update(chunk);
    digest.size += chunk.length;
  });
  return digest;
}

/**
 * What the service reads from a form, as one JSON text: the text fields (by name) and the file part
 * (its name, type, size and SHA-256). Each part is framed on its own, so no two forms that differ
 * share it, and the order in which the parser hands out parts cannot change it.
 */
function formContent(fields: Record<string, string>, file: FileDigest | undefined): string {
  const summary = file ? { field: file.field, filename: file.filename ?? null, mimeType: file.mimeType ?? null, size: file.size, sha256: file.sha256.digest('hex') } : null;
  return canonicalJson({ fields, file: summary })!; // two levels deep: never past canonicalJson's limit
}
