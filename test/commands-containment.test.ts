import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSandbox, runFfmpeg } from '../src/commands/sandbox/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';

// Arguments the policy lets through must still not read a host file, write outside the working
// directory or reach the network: the service runs FFmpeg in bubblewrap (SANDBOX=auto → bwrap on
// this machine). Every route is first shown to work with plain FFmpeg, so each check can fail.

const run = promisify(execFile);
const tempDirs: string[] = [];
let t: TestApp;
let fixture: FixtureServer;
let ffmpegPath: string;
let clipId: string;
let clipPath: string;
let secretTmp: { file: string; marker: string };
let secretVar: { file: string; marker: string };
let secretVideo: string; // one second of SECRET_RGB, in a fresh directory
const SECRET_RGB = [0x10, 0xa9, 0x32];

async function tempDir(parent = os.tmpdir(), prefix = 'ffapi-contain-'): Promise<string> {
  const dir = await mkdtemp(path.join(parent, prefix));
  tempDirs.push(dir);
  return dir;
}

async function makeSecret(parent: string): Promise<{ file: string; marker: string }> {
  const marker = `ffapi-secret-${randomBytes(8).toString('hex')}`;
  const file = path.join(await tempDir(parent, 'ffapi-secret-'), 'secret.vtt');
  await writeFile(file, `WEBVTT\n\n00:00.000 --> 00:01.000\n${marker}\n`);
  return { file, marker };
}

async function upload(name: string, bytes: Buffer<ArrayBuffer>): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const { status, body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
  expect(status, JSON.stringify(body)).toBe(200);
  const file = await t.waitForFile(body.file_id);
  expect(file.status).toBe('STORED');
  return body.file_id;
}

const submit = (body: unknown) =>
  t.json('/api/v1/run-ffmpeg-command', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function waitCommand(id: string) {
  const { status, body } = await t.json(`/api/v1/commands/${id}?wait=30`);
  expect(status).toBe(200);
  expect(['SUCCESS', 'FAILED'], JSON.stringify(body)).toContain(body.status);
  return body;
}

/** Plain FFmpeg on the host: no sandbox, no prlimit, no policy. Never throws; returns stderr. */
async function plainFfmpeg(cwd: string, args: string[]): Promise<string> {
  try {
    const { stderr } = await run(ffmpegPath, ['-nostdin', '-hide_banner', '-y', ...args], { cwd, timeout: 20_000 });
    return stderr;
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const workEntries = async () => readdir(path.join(t.dataDir, 'work')).catch(() => [] as string[]);

/**
 * The entries of <dataDir>/work once it is empty, or what is left after `ms`. The runner publishes
 * the terminal status a moment before it removes the directory, so a client can look too early.
 */
async function workAfterEnd(ms = 5_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const entries = await workEntries();
    if (entries.length === 0 || Date.now() > deadline) return entries;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  const media = await tempDir();
  clipPath = path.join(media, 'clip.mp4');
  [t, fixture] = await Promise.all([
    startTestApp({ env: { WORKER_CONCURRENCY: '4' } }),
    startFixtureServer(),
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', '2', '-c:v', 'mpeg4', clipPath]),
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', '1', '-c:v', 'mpeg2video', '-f', 'mpegts', path.join(media, 'seg.ts')]),
  ]);
  ffmpegPath = t.app.deps.media.ffmpeg;
  fixture.file('/seg.ts', path.join(media, 'seg.ts'), 'video/mp2t');
  [secretTmp, secretVar] = await Promise.all([makeSecret(os.tmpdir()), makeSecret('/var/tmp')]);
  secretVideo = path.join(await tempDir(os.tmpdir(), 'ffapi-secret-'), 'secret.ts');
  const colour = `0x${SECRET_RGB.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=${colour}:size=64x48:rate=10`, '-t', '1', '-c:v', 'mpeg2video', '-f', 'mpegts', secretVideo]);
  clipId = await upload('clip.mp4', await readFile(clipPath));
});

afterAll(async () => {
  await Promise.all([t?.stop(), fixture?.close()]);
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the sandbox in force', () => {
  it('SANDBOX=auto resolves to bubblewrap here (containment is not proven otherwise)', async () => {
    expect(t.app.deps.config.sandbox).toBe('auto');
    const warnings: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void (JSON.parse(line).level >= 40 && warnings.push(line)) });
    expect(await resolveSandbox('auto', log, { ffmpegPath })).toBe('bwrap');
    expect(warnings).toEqual([]);
  });

  it('a running command is inside bwrap, in its own working directory, which is removed when it ends', async () => {
    const { status, body } = await submit({
      input_files: { in_video: clipId },
      output_files: { out_x: 'x.mp4' },
      ffmpeg_command: '-re -i {{in_video}} -c:v mpeg4 {{out_x}}', // -re: about 2 s, long enough to look at
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const workRoot = path.join(t.dataDir, 'work');
    const seenDirs = new Set<string>();
    let bwrapLine = '';
    const done = waitCommand(body.command_id);
    let finished = false;
    void done.then(() => (finished = true), () => (finished = true));
    while (!finished) {
      for (const entry of await workEntries()) seenDirs.add(entry);
      if (!bwrapLine) {
        const { stdout } = await run('ps', ['-eo', 'args', '--no-headers']);
        bwrapLine = stdout.split('\n').find((l) => /\bbwrap\b/.test(l) && l.includes(`${workRoot}/${body.command_id}`)) ?? '';
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const command = await done;
    expect(command.status, command.error_message).toBe('SUCCESS');
    expect([...seenDirs].some((d) => d.startsWith(body.command_id))).toBe(true);
    // FFmpeg ran under bwrap with no network and the working directory bound at /job.
    expect(bwrapLine).toContain('--unshare-all');
    expect(bwrapLine).toMatch(new RegExp(`--bind ${escapeRegExp(workRoot)}/${body.command_id}-\\d+ /job`));
    expect(await workAfterEnd()).toEqual([]);
  });
});

interface PlaylistRoute {
  name: string;
  segment: () => string;
  output: string;
  /** argv after `ffmpeg` for a playlist `list` and an output `out`. */
  args: (list: string, out: string) => string[];
  /** Options plain FFmpeg needs to follow the route (the policy refuses each of them). */
  unlock: string[];
  /** Did this run read the host file or reach the server? */
  leaked: (run: { output: Buffer; stderr: string; hits: number }) => boolean;
}

const playlist = (segment: string) => `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n${segment}\n#EXT-X-ENDLIST\n`;
const segHits = () => fixture.hits.filter((p) => p === '/seg.ts').length;
const copy = (list: string, out: string) => ['-i', list, '-c', 'copy', out];
// The movie source opens its file with its own probe, which -format_whitelist in front of -i does not reach.
const movie = (list: string, out: string) => ['-f', 'lavfi', '-i', `movie=${list}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', out];

/** Most pixels of an rgb24 frame within a few levels of SECRET_RGB. */
function showsSecretColour(frame: Buffer): boolean {
  let close = 0;
  for (let i = 0; i + 2 < frame.length; i += 3) {
    if (SECRET_RGB.every((c, k) => Math.abs(frame[i + k]! - c) <= 8)) close++;
  }
  return frame.length >= 3 && close >= (frame.length / 3) * 0.9;
}

const ROUTES: PlaylistRoute[] = [
  {
    name: `a secret file in a fresh ${os.tmpdir()} directory`,
    segment: () => secretTmp.file,
    output: 'x.vtt',
    args: copy,
    unlock: [],
    leaked: ({ output, stderr }) => output.includes(secretTmp.marker) || stderr.includes(secretTmp.marker),
  },
  {
    name: 'a secret file in a fresh /var/tmp directory',
    segment: () => secretVar.file,
    output: 'x.vtt',
    args: copy,
    unlock: [],
    leaked: ({ output, stderr }) => output.includes(secretVar.marker) || stderr.includes(secretVar.marker),
  },
  {
    // Not media, so FFmpeg cannot copy it; what shows is whether the open worked.
    name: '/etc/passwd',
    segment: () => '/etc/passwd',
    output: 'x.vtt',
    args: copy,
    unlock: ['-allowed_extensions', 'ALL', '-allowed_segment_extensions', 'ALL', '-extension_picky', '0'],
    leaked: ({ output, stderr }) =>
      output.includes('root:') || (stderr.includes("Opening '/etc/passwd' for reading") && !stderr.includes('Failed to open segment')),
  },
  {
    name: 'an http segment on a local server',
    segment: () => `${fixture.url}/seg.ts`,
    output: 'x.ts',
    args: copy,
    unlock: ['-protocol_whitelist', 'file,http,tcp'],
    leaked: ({ hits }) => hits > 0,
  },
  {
    name: 'a secret video, opened through -f lavfi -i movie={{in_list}}',
    segment: () => secretVideo,
    output: 'x.rgb',
    args: movie,
    unlock: [],
    leaked: ({ output }) => showsSecretColour(output),
  },
];

describe.each(ROUTES)('an HLS playlist naming $name', (route) => {
  it('plain FFmpeg on the host follows it (the route is real)', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'in_list.m3u8'), playlist(route.segment()));
    const hitsBefore = segHits();
    const stderr = await plainFfmpeg(dir, [...route.unlock, ...route.args('in_list.m3u8', route.output)]);
    const output = await readFile(path.join(dir, route.output)).catch(() => Buffer.alloc(0));
    expect(route.leaked({ output, stderr, hits: segHits() - hitsBefore }), stderr).toBe(true);
  });

  it('through the service: the command may succeed or fail, but nothing leaks', async () => {
    const listId = await upload('list.m3u8', Buffer.from(playlist(route.segment())));
    const hitsBefore = segHits();
    const { status, body } = await submit({
      input_files: { in_list: listId },
      output_files: { out_x: route.output },
      ffmpeg_command: route.args('{{in_list}}', '{{out_x}}').join(' '),
    });
    if (status === 422) {
      // A policy that refuses playlists outright also keeps the host safe.
      expect(JSON.stringify(body.detail)).toContain('in_list');
      return;
    }
    expect(status, JSON.stringify(body)).toBe(200);
    const command = await waitCommand(body.command_id);
    let output = Buffer.alloc(0);
    if (command.status === 'SUCCESS') {
      const res = await fetch(command.output_files.out_x.storage_url);
      expect(res.status).toBe(200);
      output = Buffer.from(await res.arrayBuffer());
    } else {
      expect(['FFMPEG_ERROR', 'OUTPUT_MISSING', 'INPUT_FORMAT_NOT_ALLOWED']).toContain(command.error_status);
    }
    expect(route.leaked({ output, stderr: command.error_message ?? '', hits: segHits() - hitsBefore })).toBe(false);
    expect(output.includes('root:')).toBe(false);
    expect(command.error_message ?? '').not.toContain('root:');
    expect(segHits() - hitsBefore).toBe(0);
  });

  it('defence in depth: runFfmpeg with the unlocking options leaks under none, not under bwrap', async () => {
    const results: Record<string, boolean> = {};
    for (const sandbox of ['none', 'bwrap'] as const) {
      const workDir = await tempDir();
      await writeFile(path.join(workDir, 'in_list.m3u8'), playlist(route.segment()));
      const hitsBefore = segHits();
      const result = await runFfmpeg({
        ffmpegPath,
        args: [...route.unlock, ...route.args('in_list.m3u8', route.output)],
        workDir,
        sandbox,
        timeoutMs: 20_000,
      });
      const output = await readFile(path.join(workDir, route.output)).catch(() => Buffer.alloc(0));
      results[sandbox] = route.leaked({ output, stderr: result.stderrTail, hits: segHits() - hitsBefore });
    }
    expect(results).toEqual({ none: true, bwrap: false });
  });
});

// movie= probes its file itself, with no -format_whitelist: the service probes such a file first and
// refuses a playlist. A concat list gets past a probe that reads only its first entry, and concat
// opens its later entries by content (here an HLS playlist naming a host file).
describe('a concat list opened by movie= whose second entry is an HLS playlist', () => {
  const list = 'ffconcat version 1.0\nfile in_first.ts\nfile in_pl.txt\n';
  // 20 s of testsrc2, coded as the secret video is (concat needs one codec): long enough that a probe
  // of the list reads only this entry.
  let first: string;
  beforeAll(async () => {
    first = path.join(await tempDir(), 'first.ts');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', '20', '-c:v', 'mpeg2video', '-f', 'mpegts', first]);
  });
  const args = (listName: string, out: string) => ['-f', 'lavfi', '-i', `movie=${listName}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '64x48', out];
  const FRAME = 64 * 48 * 3;
  const anyFrameShowsSecret = (output: Buffer) =>
    Array.from({ length: Math.floor(output.length / FRAME) }, (_, i) => output.subarray(i * FRAME, (i + 1) * FRAME)).some(showsSecretColour);

  it('plain FFmpeg on the host follows it (the route is real)', async () => {
    const dir = await tempDir();
    await Promise.all([
      writeFile(path.join(dir, 'in_list.txt'), list),
      writeFile(path.join(dir, 'in_pl.txt'), playlist(secretVideo)),
      writeFile(path.join(dir, 'in_first.ts'), await readFile(first)),
    ]);
    const stderr = await plainFfmpeg(dir, args('in_list.txt', 'x.rgb'));
    expect(anyFrameShowsSecret(await readFile(path.join(dir, 'x.rgb')).catch(() => Buffer.alloc(0))), stderr).toBe(true);
  });

  it('through the service: refused before FFmpeg runs, nothing read', async () => {
    const [listId, plId, firstId] = await Promise.all([
      upload('list.txt', Buffer.from(list)),
      upload('pl.txt', Buffer.from(playlist(secretVideo))),
      upload('first.ts', await readFile(first)),
    ]);
    // Every declared input must be used: in_pl is read as raw audio (-f u8), which never opens a file it names.
    const { status, body } = await submit({
      input_files: { in_list: listId, in_pl: plId, in_first: firstId },
      output_files: { out_x: 'x.rgb' },
      ffmpeg_command: `-f u8 -i {{in_pl}} -i {{in_first}} ${args('{{in_list}}', '{{out_x}}').join(' ')} -map 2:v`,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const command = await waitCommand(body.command_id);
    expect(command.error_status, JSON.stringify(command)).toBe('INPUT_FORMAT_NOT_ALLOWED');
    expect(command.error_message).toContain('in_list');
  });
});

// A filter opens its file itself, past -format_whitelist and after the checks before the run: here
// one output of the run writes a playlist's bytes (as raw audio), and movie= on it then opens it.
describe('a filter reading a file the same run has just written (a playlist naming a host file)', () => {
  const args = (pl: string, written: string, image: string) => [
    '-f', 'u8', '-i', pl, '-f', 'lavfi', '-i', 'color=c=blue:s=64x48:r=10:d=1',
    '-map', '0:a', '-af', 'anull', '-c:a', 'pcm_u8', '-f', 'u8', '-flush_packets', '1', written,
    '-map', '1:v', '-vf', `nullsink;movie=${written}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', image,
  ];

  it('plain FFmpeg on the host follows it (the route is real)', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'in_pl.txt'), playlist(secretVideo));
    const stderr = await plainFfmpeg(dir, args('in_pl.txt', 'x.m3u8', 'y.rgb'));
    expect(showsSecretColour(await readFile(path.join(dir, 'y.rgb')).catch(() => Buffer.alloc(0))), stderr).toBe(true);
  });

  it('through the service: refused (422) before anything runs', async () => {
    const plId = await upload('pl.txt', Buffer.from(playlist(secretVideo)));
    const before = await t.app.deps.db.command.count();
    const { status, body } = await submit({
      input_files: { in_pl: plId },
      output_files: { out_pl: 'x.m3u8', out_img: 'y.rgb' },
      ffmpeg_command: args('{{in_pl}}', '{{out_pl}}', '{{out_img}}').map((a) => (a.includes(';') ? `"${a}"` : a)).join(' '),
    });
    expect(status, JSON.stringify(body)).toBe(422);
    expect(body.message).toContain('{{out_pl}} is an output');
    expect(await t.app.deps.db.command.count()).toBe(before);
  });
});

// The same, through an input: a harmless file passes its check before the run, then a scratch output
// of the run, named as the input's file was, replaces it with a playlist before movie= opens it.
describe('a filter reading an input that the same run replaces by a scratch output', () => {
  const args = (data: string, target: string, scratch: string, image: string) => [
    '-f', 'u8', '-i', data, '-f', 'lavfi', '-i', 'color=c=blue:s=64x48:r=10:d=1',
    '-map', '0:a', '-af', 'anull', '-c:a', 'pcm_u8', '-f', 'u8', '-flush_packets', '1', scratch,
    '-map', '1:v', '-vf', `nullsink;movie=${target}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', image,
  ];
  let harmless: Buffer<ArrayBuffer>; // a blue video: what movie= should show
  const writeTemp = async (name: string, content: string | Buffer) => {
    const file = path.join(await tempDir(), name);
    await writeFile(file, content);
    return file;
  };
  beforeAll(async () => {
    const file = path.join(await tempDir(), 'tgt.ts');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=blue:size=64x48:rate=10', '-t', '1', '-c:v', 'mpeg2video', '-f', 'mpegts', file]);
    harmless = await readFile(file);
  });

  it('plain FFmpeg on the host follows it (the route is real)', async () => {
    const dir = await tempDir();
    await Promise.all([writeFile(path.join(dir, 'in_data.txt'), playlist(secretVideo)), writeFile(path.join(dir, 'in_tgt.ts'), harmless)]);
    const stderr = await plainFfmpeg(dir, args('in_data.txt', 'in_tgt.ts', 'in_tgt.ts', 'y.rgb'));
    expect(showsSecretColour(await readFile(path.join(dir, 'y.rgb')).catch(() => Buffer.alloc(0))), stderr).toBe(true);
  });

  it('through the service, even without bwrap: the input is out of the run\'s reach, and nothing leaks', async () => {
    // SANDBOX=none: the guarantee must not rest on the sandbox hiding the host file.
    const bare = await startTestApp({ env: { SANDBOX: 'none' } });
    try {
      const [data, target] = await Promise.all([
        bare.uploadAndWait(await writeTemp('data.txt', playlist(secretVideo))),
        bare.uploadAndWait(await writeTemp('tgt.ts', harmless)),
      ]);
      const { status, body } = await bare.json('/api/v1/run-ffmpeg-command', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          input_files: { in_data: data.file_id, in_tgt: target.file_id },
          output_files: { out_img: 'y.rgb' },
          ffmpeg_command: ['-y', ...args('{{in_data}}', '{{in_tgt}}', 'in_tgt.ts', '{{out_img}}')].map((a) => (a.includes(';') ? `"${a}"` : a)).join(' '),
        }),
      });
      expect(status, JSON.stringify(body)).toBe(200);
      const command = (await bare.json(`/api/v1/commands/${body.command_id}?wait=30`)).body;
      expect(command.status, JSON.stringify(command)).toBe('SUCCESS'); // movie= read the uploaded video, untouched
      const bytes = Buffer.from(await (await fetch(command.output_files.out_img.storage_url)).arrayBuffer());
      expect(bytes.length).toBe(64 * 48 * 3);
      expect(showsSecretColour(bytes)).toBe(false);
    } finally {
      await bare.stop();
    }
  });
});

describe('a host-path write the policy lets through (x264 stats file) stays inside the sandbox', () => {
  // libx264 parses -x264-params with av_dict_parse_string, which trims blanks and removes
  // backslashes, so "stats= /dir/f" and "stats=.\./.\./f" name paths the policy's checks miss.
  const x264 = (stats: string, input: string, output: string) =>
    ['-i', input, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-x264-params', `pass=1:stats=${stats}`, output];

  it('plain FFmpeg writes both host paths (the routes are real)', async () => {
    const hostDir = await tempDir('/var/tmp');
    const root = await tempDir();
    const cwd = path.join(root, 'work', 'job');
    await mkdir(cwd, { recursive: true });
    await plainFfmpeg(cwd, x264(` ${hostDir}/abs.log`, clipPath, 'a.mp4'));
    await plainFfmpeg(cwd, x264('.\\./.\\./escaped.log', clipPath, 'b.mp4'));
    expect(existsSync(path.join(hostDir, 'abs.log'))).toBe(true);
    expect(existsSync(path.join(root, 'escaped.log'))).toBe(true); // two levels above the working directory
  });

  it.each([
    ['an absolute path behind a blank', (hostDir: string) => ` ${hostDir}/abs.log`, (hostDir: string) => path.join(hostDir, 'abs.log')],
    ['a ".." escape written as .\\.', () => '.\\./.\\./escaped.log', () => path.join(t.dataDir, 'escaped.log')],
  ])('through the service: %s', async (_name, stats, target) => {
    const hostDir = await tempDir('/var/tmp');
    const { status, body } = await submit({
      input_files: { in_video: clipId },
      output_files: { out_x: 'x.mp4' },
      ffmpeg_command: ['-i', '{{in_video}}', ...x264(stats(hostDir), 'IN', 'OUT').slice(2, -1), '{{out_x}}']
        .map((a) => (a.includes(' ') || a.includes('\\') ? `'${a}'` : a))
        .join(' '),
    });
    if (status === 422) return; // the policy caught it: also fine
    expect(status, JSON.stringify(body)).toBe(200);
    const command = await waitCommand(body.command_id);
    expect(existsSync(target(hostDir)), `${command.status} ${command.error_message}`).toBe(false);
    expect(existsSync(`${target(hostDir)}.mbtree`)).toBe(false);
  });
});

describe('after every command', () => {
  it('no working directory is left behind (failed commands included)', async () => {
    const commands = (await t.json('/api/v1/commands?limit=100')).body;
    expect(commands.commands.filter((c: { status: string }) => c.status === 'FAILED').length).toBeGreaterThan(0);
    expect(await workAfterEnd()).toEqual([]);
  });
});
