import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';

// One second of silence closes a connection here; a request as such has no time limit.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { HTTP_IDLE_TIMEOUT_SECONDS: '1' } });
});
afterAll(async () => {
  await t?.stop();
});

const BOUNDARY = 'slowBoundary42';
const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
const tail = `\r\n--${BOUNDARY}--\r\n`;

/** POSTs an upload whose body is written piece by piece; resolves with the answer, or 'closed'. */
function trickleUpload(pieces: Buffer[], gapMs: number, stallAfter = Infinity): Promise<{ status: number; body: string } | 'closed'> {
  const length = Buffer.byteLength(head) + pieces.reduce((n, p) => n + p.length, 0) + Buffer.byteLength(tail);
  return new Promise((resolve) => {
    const req = http.request(`${t.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: { 'x-api-key': t.apiKey, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': length },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', () => resolve('closed'));
    req.write(head);
    let sent = 0;
    const next = () => {
      if (sent === stallAfter) return; // the client goes quiet with the body half sent
      if (sent === pieces.length) return req.end(tail);
      req.write(pieces[sent++]);
      setTimeout(next, gapMs);
    };
    next();
  });
}

async function partFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((name) => /~part-/.test(path.basename(name)));
}

describe('slow and stalled uploads', () => {
  it('Node’s 5-minute cap on a whole request is off', () => {
    expect(t.app.server!.requestTimeout).toBe(0);
    expect(t.app.server!.timeout).toBe(1_000);
  });

  it('an upload that takes longer than the idle timeout but keeps moving is stored whole', async () => {
    const pieces = Array.from({ length: 10 }, (_, i) => Buffer.alloc(1000, 97 + i));
    const started = Date.now();
    const answer = await trickleUpload(pieces, 300);
    expect(Date.now() - started).toBeGreaterThan(2_500);
    expect(answer).not.toBe('closed');
    const { status, body } = answer as { status: number; body: string };
    expect(status).toBe(200);
    const fileId = JSON.parse(body).file_id;
    expect((await t.waitForFile(fileId)).status).toBe('STORED');
    expect((await t.app.deps.db.file.findUniqueOrThrow({ where: { id: fileId } })).sizeBytes).toBe(10_000n);
  });

  it('an upload that stalls is cut off after the idle timeout and leaves no row and no bytes', async () => {
    const rowsBefore = await t.app.deps.db.file.count();
    const started = Date.now();
    const answer = await trickleUpload([Buffer.alloc(5000, 1), Buffer.alloc(5000, 2)], 50, 1);
    expect(answer).toBe('closed');
    expect(Date.now() - started).toBeLessThan(10_000);
    // The failed upload's cleanup runs after the socket closed.
    let leftovers: string[] = ['?'];
    for (let i = 0; i < 50 && leftovers.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      leftovers = await partFiles(t.dataDir);
    }
    expect(leftovers).toEqual([]);
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore);
  });
});
