import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProgressBlock, ProgressStreamParser, type FfmpegProgress } from './progress.ts';
import { resolveSandbox, trialBwrap } from './resolve-sandbox.ts';
import { ByteTail, runFfmpeg, type FfmpegRunOptions } from './run-ffmpeg.ts';
import { buildSpawnPlan } from './spawn-plan.ts';

const run = promisify(execFile);
const FFMPEG = '/usr/bin/ffmpeg';
const NPM_FFMPEG = path.resolve('node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
const MODES = ['bwrap', 'none'] as const;
const tempDirs: string[] = [];

async function tempDir(prefix = 'ffapi-sandbox-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function ffmpeg(sandbox: 'bwrap' | 'none', workDir: string, args: string[], extra: Partial<FfmpegRunOptions> = {}) {
  return runFfmpeg({ ffmpegPath: FFMPEG, args, workDir, sandbox, timeoutMs: 20_000, ...extra });
}

async function probeDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

async function processesWith(marker: string): Promise<string> {
  const { stdout } = await run('pgrep', ['-af', marker]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter((line) => line && !line.includes('pgrep')).join('\n');
}

function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.each(MODES)('runFfmpeg with sandbox %s', (sandbox) => {
  it('encodes a 2 s clip, reporting rising progress that ends with done', async () => {
    const workDir = await tempDir();
    const seen: FfmpegProgress[] = [];
    const args = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', 'out.mp4'];
    const result = await ffmpeg(sandbox, workDir, args, { onProgress: (p) => seen.push(p) });

    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, aborted: false });
    expect(await probeDuration(path.join(workDir, 'out.mp4'))).toBeCloseTo(2, 0);
    const times = seen.map((p) => p.outTimeUs).filter((t): t is number => t !== null);
    expect(times.length).toBeGreaterThan(0);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBeGreaterThanOrEqual(1_900_000);
    expect(seen.at(-1)?.done).toBe(true);
    expect(seen.slice(0, -1).every((p) => !p.done)).toBe(true);
  });

  it('reports an FFmpeg error with the stderr tail', async () => {
    const result = await ffmpeg(sandbox, await tempDir(), ['-i', 'missing.mp4', 'out.mp4']);
    expect(result.exitCode).not.toBe(0);
    expect(result.exitCode).not.toBeNull();
    expect(result.stderrTail).toMatch(/missing\.mp4: No such file or directory/);
  });

  it('kills the whole tree at the wall-clock limit', async () => {
    const marker = `ffapi-timeout-${randomBytes(6).toString('hex')}`;
    let runningMidway = '';
    const started = Date.now();
    const result = await ffmpeg(sandbox, await tempDir(), ['-f', 'lavfi', '-i', 'testsrc2', '-metadata', `title=${marker}`, '-f', 'null', '-'], {
      timeoutMs: 1500,
      onProgress: () => {
        if (!runningMidway) void processesWith(marker).then((found) => (runningMidway ||= found));
      },
    });
    expect(result).toMatchObject({ timedOut: true, aborted: false });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(runningMidway).toContain(marker); // the check below can see the process
    expect(await processesWith(marker)).toBe('');
  });

  it('dies with the process that started it (a worker killed outright)', async () => {
    const suffix = randomBytes(6).toString('hex');
    const marker = `ffapi-orphan-${suffix}`;
    const workDir = await tempDir();
    // The marker is put together inside the script, so only FFmpeg's command line holds it whole.
    const script = `
      const { runFfmpeg } = await import(${JSON.stringify(path.resolve('src/commands/sandbox/run-ffmpeg.ts'))});
      await runFfmpeg({ ffmpegPath: ${JSON.stringify(FFMPEG)}, sandbox: ${JSON.stringify(sandbox)}, workDir: ${JSON.stringify(workDir)},
        timeoutMs: 60_000, args: ['-f', 'lavfi', '-i', 'testsrc2', '-metadata', 'title=ffapi-orphan-' + '${suffix}', '-f', 'null', '-'] });`;
    const worker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!(await processesWith(marker))) {
      if (Date.now() > deadline) throw new Error('FFmpeg never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    worker.kill('SIGKILL');
    await exited;
    const gone = Date.now() + 5_000;
    while ((await processesWith(marker)) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
    expect(await processesWith(marker)).toBe('');
  }, 40_000);

  it('stops on abort', async () => {
    const controller = new AbortController();
    const result = await ffmpeg(sandbox, await tempDir(), ['-f', 'lavfi', '-i', 'testsrc2', '-f', 'null', '-'], {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null, signal: 'SIGKILL' });
  });

  it('stops a file from growing past maxOutputBytes', async () => {
    const workDir = await tempDir();
    const limit = 1024 * 1024;
    const result = await ffmpeg(sandbox, workDir, ['-f', 'lavfi', '-i', 'testsrc2=size=640x480', '-t', '5', '-f', 'rawvideo', 'big.raw'], {
      maxOutputBytes: limit,
    });
    expect(result.exitCode === 0 && result.signal === null).toBe(false);
    expect(result.signal).toBe('SIGXFSZ');
    expect((await stat(path.join(workDir, 'big.raw'))).size).toBeLessThanOrEqual(limit);
  });
});

describe('runFfmpeg limits and binaries', () => {
  it('stops FFmpeg at the CPU-seconds limit', async () => {
    const result = await ffmpeg('bwrap', await tempDir(), ['-f', 'lavfi', '-i', 'testsrc2', '-f', 'null', '-'], { cpuSeconds: 1 });
    expect(result.timedOut).toBe(false);
    expect(['SIGXCPU', 'SIGKILL']).toContain(result.signal);
  });

  it('runs an FFmpeg binary from outside /usr (node_modules) inside bwrap', async () => {
    const workDir = await tempDir();
    const result = await runFfmpeg({
      ffmpegPath: NPM_FFMPEG,
      args: ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-t', '1', '-c:v', 'mpeg4', 'out.mp4'],
      workDir,
      sandbox: 'bwrap',
      timeoutMs: 20_000,
    });
    expect(result.exitCode, result.stderrTail).toBe(0);
    expect(await probeDuration(path.join(workDir, 'out.mp4'))).toBeCloseTo(1, 0);
  });
});

describe('bwrap containment (each route is shown to work without the sandbox)', () => {
  let secretDir: string;
  const secretText = `ffapi-secret-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    secretDir = await tempDir('ffapi-secret-');
    await writeFile(path.join(secretDir, 'secret.vtt'), `WEBVTT\n\n00:00.000 --> 00:01.000\n${secretText}\n`);
  });

  const playlist = (segment: string) => `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n${segment}\n#EXT-X-ENDLIST\n`;

  it.each(MODES)('a host file outside workDir, named in an HLS playlist: %s', async (sandbox) => {
    const workDir = await tempDir();
    await writeFile(path.join(workDir, 'list.m3u8'), playlist(path.join(secretDir, 'secret.vtt')));
    await ffmpeg(sandbox, workDir, ['-i', 'list.m3u8', '-c', 'copy', 'out.vtt']);
    const copied = await readFile(path.join(workDir, 'out.vtt'), 'utf8').catch(() => '');
    if (sandbox === 'none') expect(copied).toContain(secretText);
    else expect(copied).not.toContain(secretText);
  });

  it.each(MODES)('/etc/passwd named in an HLS playlist: %s', async (sandbox) => {
    const workDir = await tempDir();
    await writeFile(path.join(workDir, 'list.m3u8'), playlist('/etc/passwd'));
    const open = ['-allowed_extensions', 'ALL', '-allowed_segment_extensions', 'ALL', '-extension_picky', '0'];
    const result = await ffmpeg(sandbox, workDir, [...open, '-i', 'list.m3u8', '-c', 'copy', '-f', 'data', 'out.bin']);
    // Not media, so FFmpeg fails either way; what differs is whether the open succeeded.
    if (sandbox === 'none') expect(result.stderrTail).not.toContain('Failed to open segment');
    else expect(result.stderrTail).toContain('Failed to open segment 0');
  });

  it.each(MODES)('/etc/passwd through a symlink in workDir, copied byte for byte: %s', async (sandbox) => {
    const workDir = await tempDir();
    await symlink('/etc/passwd', path.join(workDir, 'notes.txt'));
    const result = await ffmpeg(sandbox, workDir, ['-f', 'u8', '-ar', '8000', '-ac', '1', '-i', 'notes.txt', '-c', 'copy', '-f', 'u8', 'out.raw']);
    if (sandbox === 'none') {
      expect(await readFile(path.join(workDir, 'out.raw'))).toEqual(await readFile('/etc/passwd'));
    } else {
      expect(result.exitCode).not.toBe(0);
      expect(result.stderrTail).toContain('notes.txt: No such file or directory');
      expect(existsSync(path.join(workDir, 'out.raw'))).toBe(false);
    }
  });

  it.each(MODES)('the network (a server on 127.0.0.1): %s', async (sandbox) => {
    const media = await tempDir();
    await run(FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', '0.5', '-c:v', 'mpeg4', path.join(media, 'clip.mp4')]);
    const clip = await readFile(path.join(media, 'clip.mp4'));
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(clip);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const workDir = await tempDir();
      const result = await ffmpeg(sandbox, workDir, ['-i', `http://127.0.0.1:${port}/clip.mp4`, '-c', 'copy', 'out.mp4'], { timeoutMs: 10_000 });
      if (sandbox === 'none') {
        expect(result.exitCode, result.stderrTail).toBe(0);
        expect(requests).toBeGreaterThanOrEqual(1);
      } else {
        expect(result.exitCode).not.toBe(0);
        expect(result.timedOut).toBe(false);
        expect(requests).toBe(0);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each(MODES)('the parent environment, read from /proc/self/environ: %s', async (sandbox) => {
    process.env.FFAPI_TEST_SECRET = 'hunter2-env-secret';
    try {
      const workDir = await tempDir();
      await symlink('/proc/self/environ', path.join(workDir, 'env.txt'));
      const result = await ffmpeg(sandbox, workDir, ['-f', 'u8', '-ar', '8000', '-ac', '1', '-i', 'env.txt', '-c', 'copy', '-f', 'u8', 'env.raw']);
      expect(result.exitCode, result.stderrTail).toBe(0);
      const env = (await readFile(path.join(workDir, 'env.raw'), 'utf8')).split('\0').filter(Boolean).sort();
      // The route really shows FFmpeg's environment, so a leaked variable would appear here.
      expect(env).toEqual(
        sandbox === 'none'
          ? [`HOME=${workDir}`, 'PATH=/usr/bin:/bin']
          : ['HOME=/job', 'PATH=/usr/bin:/bin', 'PWD=/job', 'XDG_CACHE_HOME=/tmp'],
      );
    } finally {
      delete process.env.FFAPI_TEST_SECRET;
    }
  });

  it.each(MODES)('capabilities, read from /proc/self/status: %s', async (sandbox) => {
    const workDir = await tempDir();
    await symlink('/proc/self/status', path.join(workDir, 'status.txt'));
    const result = await ffmpeg(sandbox, workDir, ['-f', 'u8', '-ar', '8000', '-ac', '1', '-i', 'status.txt', '-c', 'copy', '-f', 'u8', 'status.raw']);
    expect(result.exitCode, result.stderrTail).toBe(0);
    const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(await readFile(path.join(workDir, 'status.raw'), 'utf8'))?.[1];
    if (sandbox === 'bwrap') expect(capEff).toBe('0000000000000000');
    // As root the unsandboxed run keeps its capabilities, which shows the route reads the real value.
    else if (process.getuid?.() === 0) expect(capEff).not.toBe('0000000000000000');
    else expect(capEff).toMatch(/^[0-9a-f]{16}$/);
  });

  it('the spawn environment is built from scratch, not from process.env', () => {
    process.env.FFAPI_TEST_SECRET = 'hunter2-env-secret';
    try {
      for (const sandbox of MODES) {
        const plan = buildSpawnPlan({ binary: FFMPEG, args: ['-version'], workDir: '/tmp/w', sandbox });
        expect(JSON.stringify(plan)).not.toContain('hunter2');
        expect(Object.keys(plan.env).sort()).toEqual(sandbox === 'none' ? ['HOME', 'PATH'] : ['PATH']);
        if (sandbox === 'bwrap') expect(plan.args).toContain('--clearenv');
      }
    } finally {
      delete process.env.FFAPI_TEST_SECRET;
    }
  });

  it.each(MODES)('an absolute output path outside workDir: %s', async (sandbox) => {
    const outside = await tempDir('ffapi-outside-');
    const target = path.join(outside, 'x.mp4');
    await ffmpeg(sandbox, await tempDir(), ['-f', 'lavfi', '-i', 'testsrc2', '-t', '0.2', '-c:v', 'mpeg4', target]);
    // Under bwrap /tmp is a private tmpfs, so the write lands nowhere on the host.
    expect(existsSync(target)).toBe(sandbox === 'none');
  });

  it.each(['/usr', '/', '/etc'])('writes to %s fail inside bwrap (read-only)', async (dir) => {
    const target = path.join(dir, `ffapi-sandbox-${randomBytes(6).toString('hex')}.mp4`);
    try {
      const result = await ffmpeg('bwrap', await tempDir(), ['-f', 'lavfi', '-i', 'testsrc2', '-t', '0.2', '-c:v', 'mpeg4', target]);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderrTail).toMatch(/Read-only file system/);
      expect(existsSync(target)).toBe(false);
    } finally {
      await rm(target, { force: true });
    }
  });
});

describe('resolveSandbox', () => {
  it('auto picks bwrap when the trial run works', async () => {
    const { log, warnings } = capturingLogger();
    expect(await resolveSandbox('auto', log, { ffmpegPath: FFMPEG })).toBe('bwrap');
    expect(await resolveSandbox('bwrap', log)).toBe('bwrap');
    expect(warnings()).toEqual([]);
  });

  it('bwrap throws and auto falls back to none with a warning when bwrap is broken', async () => {
    const { log, warnings } = capturingLogger();
    const broken = () => trialBwrap({ bwrapPath: '/bin/false' });
    await expect(resolveSandbox('bwrap', log, { trial: broken })).rejects.toThrow(/SANDBOX=bwrap but bubblewrap does not work/);
    const missing = () => trialBwrap({ bwrapPath: '/nonexistent/bwrap' });
    await expect(resolveSandbox('bwrap', log, { trial: missing })).rejects.toThrow(/nonexistent/);
    expect(await resolveSandbox('auto', log, { trial: broken })).toBe('none');
    expect(warnings()).toEqual([expect.stringContaining('UNSANDBOXED')]);
  });

  it('none warns that FFmpeg runs unsandboxed', async () => {
    const { log, warnings } = capturingLogger();
    expect(await resolveSandbox('none', log)).toBe('none');
    expect(warnings()).toEqual([expect.stringContaining('unsandboxed')]);
  });
});

describe('parseProgressBlock', () => {
  it('reads out_time_us, frame, speed and progress', () => {
    const block = ['frame=50', 'fps=0.00', 'out_time_us=2000000', 'out_time_ms=2000000', 'out_time=00:00:02.000000', 'speed=1.23x', 'progress=continue'];
    expect(parseProgressBlock(block)).toEqual({ outTimeUs: 2_000_000, frame: 50, speed: 1.23, done: false });
  });

  it('treats out_time_ms as microseconds and falls back to out_time', () => {
    expect(parseProgressBlock(['out_time_ms=1500000', 'progress=end']).outTimeUs).toBe(1_500_000);
    expect(parseProgressBlock(['out_time=01:02:03.5', 'progress=end'])).toMatchObject({ outTimeUs: 3_723_500_000, done: true });
  });

  it('maps N/A, sentinels and junk to null', () => {
    const block = ['frame=N/A', 'out_time_us=-9223372036854775807', 'out_time_ms=N/A', 'out_time=-577014:32:22.775807', 'speed=N/A', 'progress=continue'];
    expect(parseProgressBlock(block)).toEqual({ outTimeUs: null, frame: null, speed: null, done: false });
    expect(parseProgressBlock(['speed=2.07e+03x', 'frame=abc']).speed).toBe(2070);
    expect(parseProgressBlock([])).toEqual({ outTimeUs: null, frame: null, speed: null, done: false });
  });

  it('splits a chunked stream into blocks', () => {
    const blocks: FfmpegProgress[] = [];
    const parser = new ProgressStreamParser((p) => blocks.push(p));
    const text = 'frame=1\nout_time_us=40000\nprogress=continue\r\nframe=2\nout_time_us=80000\nprogress=end\n';
    for (let i = 0; i < text.length; i += 7) parser.push(text.slice(i, i + 7));
    expect(blocks).toEqual([
      { outTimeUs: 40_000, frame: 1, speed: null, done: false },
      { outTimeUs: 80_000, frame: 2, speed: null, done: true },
    ]);
  });
});

describe('stderr tail', () => {
  it('stays bounded and cuts on a character boundary', () => {
    const tail = new ByteTail(8 * 1024);
    tail.push(Buffer.from('start '));
    for (let i = 0; i < 1000; i++) tail.push(Buffer.from('é'.repeat(101)));
    const text = tail.tail(4096);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(text)).toBeGreaterThan(4090);
    expect(text).not.toContain('\uFFFD');
    expect(text).toMatch(/^é+$/);
  });
});
