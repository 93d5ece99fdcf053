import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveMediaBinaries } from './binaries.ts';

const run = promisify(execFile);
const savedPath = process.env.PATH;

afterEach(() => {
  process.env.PATH = savedPath;
});

describe('resolveMediaBinaries', () => {
  it('throws naming an explicit path that does not exist', () => {
    expect(() => resolveMediaBinaries({ ffprobePath: '/nowhere/ffprobe' })).toThrow(/FFPROBE_PATH.*\/nowhere\/ffprobe.*does not exist/);
    expect(() => resolveMediaBinaries({ ffmpegPath: '/nowhere/ffmpeg' })).toThrow(/\/nowhere\/ffmpeg/);
  });

  it('throws naming an explicit path that is not executable', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'media-bin-'));
    try {
      const file = path.join(dir, 'ffprobe');
      await writeFile(file, '#!/bin/sh\n');
      await chmod(file, 0o644);
      expect(() => resolveMediaBinaries({ ffprobePath: file })).toThrow(/is not executable/);
      expect(() => resolveMediaBinaries({ ffprobePath: dir })).toThrow(/is not a file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses an explicit path for one binary and searches for the other', () => {
    const found = resolveMediaBinaries({ ffmpegPath: '/usr/bin/ffmpeg' });
    expect(found.ffmpeg).toBe('/usr/bin/ffmpeg');
    expect(found.ffprobe).toMatch(/node_modules\/@ffprobe-installer\/.+\/ffprobe$/);
    expect(resolveMediaBinaries({ ffprobePath: '/usr/bin/ffprobe' }).ffprobe).toBe('/usr/bin/ffprobe');
  });

  it('finds ffmpeg on PATH (first match wins) but prefers the shipped static ffprobe', () => {
    process.env.PATH = ['relative/dir', '', '/nonexistent', '/usr/bin', '/bin'].join(path.delimiter);
    const found = resolveMediaBinaries({});
    expect(found.ffmpeg).toBe('/usr/bin/ffmpeg');
    expect(found.ffprobe).toMatch(/node_modules\/@ffprobe-installer\/.+\/ffprobe$/);
    // Checks that must sniff content as this FFmpeg does use the ffprobe of the same build.
    expect(found.ffprobeOfFfmpeg).toBe('/usr/bin/ffprobe');
  });

  it('falls back to the npm-shipped binaries when PATH has none, and they run', async () => {
    process.env.PATH = '';
    const found = resolveMediaBinaries({});
    expect(found.ffmpeg).toMatch(/node_modules\/@ffmpeg-installer\/.+\/ffmpeg$/);
    expect(found.ffprobe).toMatch(/node_modules\/@ffprobe-installer\/.+\/ffprobe$/);
    process.env.PATH = savedPath;
    expect((await run(found.ffprobe, ['-version'])).stdout).toMatch(/^ffprobe version/);
    expect((await run(found.ffmpeg, ['-version'])).stdout).toMatch(/^ffmpeg version/);
  });
});
