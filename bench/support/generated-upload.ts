// A generated file on disk (one repeated random block, so writing it holds only the block in memory),
// and a client that uploads such a file the way `curl -F file=@…` does: read from disk, streamed.
// cp copies the same file, so both sides start from the same bytes in the same place.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import { finished, pipeline } from 'node:stream/promises';

const BLOCK = randomBytes(1024 * 1024);

export async function writeGeneratedFile(file: string, size: number): Promise<void> {
  const out = createWriteStream(file);
  for (let left = size; left > 0; ) {
    const chunk = left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left);
    left -= chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
}

export interface UploadResult {
  status: number;
  body: unknown;
  seconds: number;
}

/** POSTs file as a one-field multipart body (`file`) with an exact Content-Length; times request start to response end. */
export async function uploadFile(url: string, apiKey: string, file: string, filename: string): Promise<UploadResult> {
  const { size } = await stat(file);
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const started = process.hrtime.bigint();
  const request = http.request(url, {
    method: 'POST',
    headers: {
      'x-api-key': apiKey,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
    },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
    });
  });
  // An early answer (413, 401) ends the exchange; the send's failure then only repeats it.
  const sending = (async () => {
    request.write(head);
    await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), request, { end: false });
    request.end(tail);
  })().catch(() => undefined);
  const { status, text } = await response;
  await sending;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the raw text for the error report
  }
  return { status, body, seconds };
}
