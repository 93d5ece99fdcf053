import type { IncomingMessage } from 'node:http';
import { AppError, invalidRequest } from '../platform/errors.ts';
import { findProtoKey, findUnstorableText, PROTO_KEY_MESSAGE, UNSTORABLE_TEXT_MESSAGE } from '../platform/text.ts';

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** Reads a JSON request body with a size cap; anything else is a clear 4xx. */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  return parseJson(await readJsonText(req, maxBytes));
}

export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
  const bad = findUnstorableText(value);
  if (bad) throw invalidRequest(UNSTORABLE_TEXT_MESSAGE, [{ loc: ['body', ...bad], msg: UNSTORABLE_TEXT_MESSAGE, type: 'value_error' }]);
  const proto = findProtoKey(value);
  if (proto) throw invalidRequest(PROTO_KEY_MESSAGE, [{ loc: ['body', ...proto], msg: PROTO_KEY_MESSAGE, type: 'value_error' }]);
  return value;
}

/** The raw text of a JSON request body (the caller parses it), with the same checks. */
export async function readJsonText(req: IncomingMessage, maxBytes = MAX_JSON_BODY_BYTES): Promise<string> {
  const contentType = String(req.headers['content-type'] ?? '');
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType)) {
    req.resume();
    throw invalidRequest('Content-Type must be application/json.');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    throw new AppError('PAYLOAD_TOO_LARGE', `The JSON body exceeds ${maxBytes} bytes.`);
  }
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    // Events rather than async iteration: leaving a for-await early destroys the socket, and the
    // client would get no answer.
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        parts.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      reject(new AppError('PAYLOAD_TOO_LARGE', `The JSON body exceeds ${maxBytes} bytes.`));
    };
    req.on('data', onData);
    req.once('end', () => resolve(parts));
    req.once('error', reject);
  });
  return Buffer.concat(chunks).toString('utf8');
}
