import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { allowedInputFormats, formatRefusal, keysOpenedBesideInputs, parseDemuxers, withFormatWhitelist } from './input-formats.ts';

const run = promisify(execFile);

describe('input format whitelist', () => {
  it('parses `ffmpeg -demuxers`, splitting combined names', () => {
    const listing = 'File formats:\n D. = Demuxing supported\n .E = Muxing supported\n --\n D  aac   raw ADTS AAC\n DE matroska,webm  Matroska / WebM\n  E mp4  MP4\n';
    expect(parseDemuxers(listing)).toEqual(['aac', 'matroska', 'webm']);
  });

  it('a failed `ffmpeg -demuxers` is not kept: the next call runs it again', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-demuxers-'));
    const ffmpeg = path.join(dir, 'ffmpeg');
    // The real ffmpeg, but its first run fails as a spawn under memory pressure might.
    await writeFile(ffmpeg, `#!/bin/sh\nif [ ! -e ${dir}/failed-once ]; then touch ${dir}/failed-once; exit 1; fi\nexec ffmpeg "$@"\n`, { mode: 0o755 });
    await expect(allowedInputFormats(ffmpeg)).rejects.toThrow();
    const formats = await allowedInputFormats(ffmpeg);
    expect(formats.split(',')).toContain('mov');
    expect(formats.split(',')).not.toContain('hls');
  });

  it('puts the whitelist before every input', () => {
    expect(withFormatWhitelist(['-f', 'lavfi', '-i', 'x', '-i', 'in_a.mp4', 'out.mp4'], 'mov,lavfi')).toEqual([
      '-f', 'lavfi', '-format_whitelist', 'mov,lavfi', '-i', 'x', '-format_whitelist', 'mov,lavfi', '-i', 'in_a.mp4', 'out.mp4',
    ]);
  });

  it('needs the ffprobe check only for files opened some other way than as an -i value', () => {
    const keys = (...steps: string[][]) => [...keysOpenedBesideInputs(steps)].sort();
    expect(keys(['-i', '{{in_a}}', '-i', '<<in_b>>', '-c', 'copy', '{{out_x}}'])).toEqual([]);
    expect(keys(['-i', '{{in_a}}', '-vf', 'subtitles={{in_srt}}', '{{out_x}}'])).toEqual(['in_srt']);
    expect(keys(['-f', 'lavfi', '-i', 'amovie={{in_a}}', '{{out_x}}'])).toEqual(['in_a']);
    // Used once through -i and once by a filter: checked.
    expect(keys(['-i', '{{in_a}}', '-filter_complex', 'movie={{in_a}}[m]', '{{out_x}}'])).toEqual(['in_a']);
    // An output of step 1 read through -i by step 2 is not; one read by a filter is.
    expect(keys(['-i', '{{in_a}}', '{{out_a}}', '{{out_b}}'], ['-i', '{{out_a}}', '-vf', 'movie={{out_b}}', '{{out_c}}'])).toEqual(['out_b']);
    expect(keys(['-i', '{{in_a}}', '{{out_a}}'], ['-i', '{{out_a}}', '{{out_c}}'])).toEqual([]);
    // A placeholder that is only part of the -i value, or of an output, is opened by whatever reads it.
    expect(keys(['-i', 'x{{in_a}}', '{{out_x}}'])).toEqual(['in_a']);
    expect(keys(['-i', '{{in_a}}', '-f', 'tee', '[f=mp4]{{out_a}}'])).toEqual(['out_a']);
    // An option's value is no output (-passlogfile takes one; -y and -an do not), and the same key as
    // an output elsewhere does not clear it.
    expect(keys(['-y', '-i', '{{in_a}}', '-an', '{{out_a}}', '-passlogfile', '{{in_a}}', '{{out_b}}'])).toEqual(['in_a']);
    expect(keys(['-i', '{{in_a}}', '-c:v', '{{out_a}}', '{{out_a}}'])).toEqual(['out_a']);
    // -i as the last argument (no value) or with a stream specifier is no input the whitelist covers.
    expect(keys(['{{out_a}}', '-i'])).toEqual([]);
    expect(keys(['-i:v', '{{in_a}}', '{{out_a}}'])).toEqual(['in_a']);
  });

  it('names the input FFmpeg refused by the whitelist, as 5.x and 7.x print it, and ignores other failures', () => {
    const names = { in_a: 'in_a.mp4', in_list: 'in_list.m3u8', out_x: 'x.mp4' };
    const v5 = "[hls @ 0x55da8960c940] Format not on whitelist 'aa,aac,mov'\nin_list.m3u8: Invalid argument\n";
    const v7 = "[hls @ 0x1] Format not on whitelist 'aa,aac'\n[in#1 @ 0x2] Error opening input: Invalid argument\nError opening input file in_list.m3u8.\nError opening input files: Invalid argument\n";
    for (const stderr of [v5, v7]) {
      const failure = formatRefusal(stderr, names);
      expect(failure).toMatchObject({ status: 'INPUT_FORMAT_NOT_ALLOWED' });
      expect(failure?.message).toMatch(/^in_list is a playlist/);
    }
    expect(formatRefusal("[hls @ 0x1] Format not on whitelist 'aa'\nsomething.m3u8: Invalid argument\n", names)?.message).toMatch(/^An input is a playlist/);
    expect(formatRefusal('in_list.m3u8: Invalid data found when processing input\n', names)).toBeUndefined();
    // A protocol refusal, and an input's metadata that merely says the words, are other failures.
    expect(formatRefusal("[file @ 0x1] Protocol 'http' not on whitelist 'file'!\nin_list.m3u8: Invalid argument\n", names)).toBeUndefined();
    expect(formatRefusal("    title           : ] Format not on whitelist 'x'\nin_a.mp4: Invalid data\n", names)).toBeUndefined();
  });

  it('keeps real formats and drops playlists; FFmpeg then refuses an HLS playlist but reads an mp4', async () => {
    const formats = await allowedInputFormats('/usr/bin/ffmpeg');
    const list = formats.split(',');
    expect(list).toEqual(expect.arrayContaining(['mov', 'mp4', 'matroska', 'webm', 'lavfi', 'wav', 'png_pipe', 'concat']));
    for (const refused of ['hls', 'dash', 'rtsp', 'sdp', 'x11grab']) expect(list).not.toContain(refused);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-formats-'));
    const secret = path.join(dir, 'secret.vtt');
    await writeFile(secret, 'WEBVTT\n\n00:00.000 --> 00:01.000\nsecret-marker\n');
    const playlist = path.join(dir, 'list.txt');
    await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${secret}\n#EXT-X-ENDLIST\n`);
    const args = ['-hide_banner', '-y', '-i', playlist, '-c', 'copy', path.join(dir, 'out.vtt')];
    // Without the whitelist FFmpeg follows the playlist to the host file...
    await run('ffmpeg', args);
    expect(await readFile(path.join(dir, 'out.vtt'), 'utf8')).toContain('secret-marker');
    // ...with it, the playlist is not a format it may open.
    await expect(run('ffmpeg', withFormatWhitelist(args, formats))).rejects.toThrow(/Invalid data|not on whitelist|Unknown input/i);
  });
});
