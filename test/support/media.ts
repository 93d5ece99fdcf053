import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Small media made with FFmpeg's lavfi sources: no files from the internet. */
export async function makeMedia() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-media-'));
  const ffmpeg = (args: string[]) => run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  const mp4 = path.join(dir, 'clip.mp4');
  const m4a = path.join(dir, 'tone.m4a');
  const png = path.join(dir, 'still.png');
  const txt = path.join(dir, 'notes.txt');
  await Promise.all([
    ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-ac', '2', mp4,
    ]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=44100', '-t', '1.5', '-c:a', 'aac', '-b:a', '64k', m4a]),
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48', '-frames:v', '1', png]),
    writeFile(txt, 'plain text, not media\n'.repeat(20)),
  ]);
  return { dir, mp4, m4a, png, txt };
}

export async function ffprobeJson(file: string): Promise<{ format: Record<string, string>; streams: Record<string, any>[] }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  return JSON.parse(stdout);
}

export async function randomFile(dir: string, name: string, bytes: number): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, randomBytes(bytes));
  return file;
}
