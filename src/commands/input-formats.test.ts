import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { allowedInputFormats, parseDemuxers, withFormatWhitelist } from './input-formats.ts';

const run = promisify(execFile);

describe('input format whitelist', () => {
  it('parses `ffmpeg -demuxers`, splitting combined names', () => {
    const listing = 'File formats:\n D. = Demuxing supported\n .E = Muxing supported\n --\n D  aac   raw ADTS AAC\n DE matroska,webm  Matroska / WebM\n  E mp4  MP4\n';
    expect(parseDemuxers(listing)).toEqual(['aac', 'matroska', 'webm']);
  });

  it('puts the whitelist before every input', () => {
    expect(withFormatWhitelist(['-f', 'lavfi', '-i', 'x', '-i', 'in_a.mp4', 'out.mp4'], 'mov,lavfi')).toEqual([
      '-f', 'lavfi', '-format_whitelist', 'mov,lavfi', '-i', 'x', '-format_whitelist', 'mov,lavfi', '-i', 'in_a.mp4', 'out.mp4',
    ]);
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
