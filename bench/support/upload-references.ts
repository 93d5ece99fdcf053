// References for an upload, from the same client and file: an HTTP server (its own process) that only
// drains the body, one that writes the raw body to disk with no parsing and no streams, and the
// service's own S3 driver putting the file straight into s3rver. The local two do less than the
// service, so it should not beat them beyond the noise; the S3 one runs in the bench process, on one
// event loop with s3rver, so the service, in its own process, can.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { TestS3 } from '../../test/support/s3.ts';
import { loadConfig } from '../../src/config.ts';
import { createStorage } from '../../src/platform/storage/index.ts';
import { uploadFile } from './generated-upload.ts';

const DRAIN_SERVER = `
const server = require('node:http').createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk) => { bytes += chunk.length; });
  req.on('end', () => res.end(JSON.stringify({ file_id: 'drained', bytes })));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

// Each body chunk is queued and written with writev as soon as no write is in flight (the service
// waits for 1 MiB per writev instead). The bench removes the file after the answer, outside the timed
// part, so the page cache does not fill over the runs.
const WRITE_SERVER = `
const fs = require('node:fs');
const server = require('node:http').createServer((req, res) => {
  const file = process.argv[1] + '/upload-' + Date.now();
  const fd = fs.openSync(file, 'wx');
  let queued = [], writing = false, ended = false, bytes = 0;
  const flush = () => {
    if (writing) return;
    if (!queued.length) {
      if (ended) { fs.closeSync(fd); res.end(JSON.stringify({ file_id: 'written', bytes, file })); }
      return;
    }
    const batch = queued; queued = []; writing = true;
    fs.writev(fd, batch, (err) => { if (err) throw err; writing = false; req.resume(); flush(); });
  };
  req.on('data', (chunk) => { bytes += chunk.length; queued.push(chunk); if (queued.length >= 16) req.pause(); flush(); });
  req.on('end', () => { ended = true; flush(); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

/** Seconds to POST file as multipart to a drain-only server in another process. */
export function drainedUploadSeconds(file: string): Promise<number> {
  return rawServerUploadSeconds(DRAIN_SERVER, [], file);
}

/** The same into a server that writes the raw body (boundaries and all) to a file in dir. */
export function writtenUploadSeconds(file: string, dir: string): Promise<number> {
  return rawServerUploadSeconds(WRITE_SERVER, [dir], file);
}

async function rawServerUploadSeconds(source: string, args: string[], file: string): Promise<number> {
  const { size } = await stat(file);
  const child = spawn(process.execPath, ['-e', source, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  try {
    const [line] = (await Promise.race([
      once(child.stdout!, 'data'),
      exited.then(([code]) => Promise.reject(new Error(`the reference server exited (${code}) before it listened`))),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the reference server did not listen within 30 s')), 30_000).unref()),
    ])) as [Buffer];
    const result = await uploadFile(`http://127.0.0.1:${line.toString().trim()}/`, 'none', file, 'drained.bin');
    const { bytes = 0, file: written } = (result.body ?? {}) as { bytes?: number; file?: string };
    if (written) await rm(written, { force: true });
    if (result.status !== 200 || bytes <= size) throw new Error(`the reference server answered ${result.status} after ${bytes} bytes`);
    return result.seconds;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  }
}

/** Seconds for the service's S3 driver (same part size and queue) to put file into s3rver. */
export async function directS3PutSeconds(s3: TestS3, file: string, maxFileBytes: number): Promise<number> {
  const { size } = await stat(file);
  const storage = createStorage({ dataDir: '/nonexistent', s3: loadConfig({ ...s3.env }).s3 });
  const key = `ceiling/${Date.now()}/direct.bin`;
  const started = process.hrtime.bigint();
  const { size: stored } = await storage.put(key, createReadStream(file, { highWaterMark: 1024 * 1024 }), { maxBytes: maxFileBytes });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await storage.delete(key);
  if (stored !== size) throw new Error(`the direct put stored ${stored} bytes, not ${size}`);
  return seconds;
}
