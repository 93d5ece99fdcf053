// A generated file on disk (one repeated random block, so writing it holds only the block in memory),
// and curl uploading it: read from disk, streamed. cp copies the same file, so both sides start from
// the same bytes in the same place.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

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
  /** curl's own CPU seconds, user and system. */
  clientCpu: number;
}

/**
 * POSTs file as a one-field multipart body (`file`) with curl, as the API's users do (`curl -F
 * file=@…`); times the whole exchange, in the bench process, from start to curl's exit.
 *
 * Why curl and not Node's http client: on these 2 CPUs the client shares the cores with the server,
 * and Node's client spent 0.8 to 3 s of CPU per GiB (its own GCs over fresh 1 MiB read buffers)
 * against curl's 0.5, so its cost decided every upload figure, the references' too.
 */
export async function uploadFile(url: string, apiKey: string, file: string, filename: string): Promise<UploadResult> {
  if (/[;,"\n]/.test(file + filename)) throw new Error(`curl -F cannot name ${file} as ${filename}`);
  // bash's time reports curl's CPU (user, system) on stderr; the status follows the body on stdout.
  const script = 'TIMEFORMAT="%U %S"; time curl -sS -w "\\n%{http_code}" -H "x-api-key: $KEY" -F "file=@$FILE;filename=$NAME;type=application/octet-stream" "$URL"';
  const started = process.hrtime.bigint();
  const { stdout, stderr } = await run('bash', ['-c', script], { env: { ...process.env, KEY: apiKey, FILE: file, NAME: filename, URL: url } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [user = NaN, system = NaN] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const text = stdout.slice(0, stdout.lastIndexOf('\n'));
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the raw text for the error report
  }
  return { status: Number(stdout.slice(stdout.lastIndexOf('\n') + 1)), body, seconds, clientCpu: user + system };
}
