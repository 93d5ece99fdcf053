// Generated payloads of any size from one repeated random block, streamed so that neither the client
// nor the cp baseline holds more than the block in memory.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

export const BLOCK = randomBytes(1024 * 1024);

/** Writes `size` bytes of the repeated block, waiting for 'drain' so nothing piles up in memory. */
async function writeGenerated(target: Writable, size: number): Promise<void> {
  for (let left = size; left > 0; ) {
    const chunk = left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left);
    left -= chunk.length;
    if (!target.write(chunk)) await once(target, 'drain');
  }
}

export async function writeGeneratedFile(file: string, size: number): Promise<void> {
  const out = createWriteStream(file);
  await writeGenerated(out, size);
  out.end();
  await finished(out);
}

export interface UploadResult {
  status: number;
  body: unknown;
  seconds: number;
}

/** POSTs a one-field multipart body (`file`) with an exact Content-Length; times request start to response end. */
export async function uploadGenerated(url: string, apiKey: string, size: number, filename: string): Promise<UploadResult> {
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
  // An early answer (413, 401) ends the exchange; the write loop's failure then only repeats it.
  const sending = (async () => {
    request.write(head);
    await writeGenerated(request, size);
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
