// The media of bench/probe-cost: one ~10 MB 720p h264/aac clip encoded from lavfi sources, and a
// ~2 GiB file made from it by stream copy (no re-encode, so it takes seconds), each with the moov
// atom at the end (what ffmpeg writes by default) and at the start (-movflags +faststart).
import { execFile } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export type MoovPlacement = 'end' | 'start';

export interface ProbeMedia {
  name: string;
  file: string;
  bytes: number;
  durationSeconds: number;
  placement: MoovPlacement;
  moov: { offset: number; bytes: number };
}

const CLIP_SECONDS = 10;
const CLIP_BITRATE = '8M'; // a typical 720p/1080p delivery bitrate: ~10 MB per 10 s

/** Makes the small and the large file for every placement in dir. */
export async function makeProbeMedia(
  ffmpeg: string,
  dir: string,
  largeBytes: number,
  placements: MoovPlacement[],
): Promise<{ small: ProbeMedia[]; large: ProbeMedia[] }> {
  const run = (args: string[]) => promisify(execFile)(ffmpeg, ['-v', 'error', '-y', ...args], { maxBuffer: 16 << 20 });
  const clip = path.join(dir, 'small-end.mp4');
  // Noise keeps x264 from compressing the test pattern far below the asked bitrate.
  await run([
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', String(CLIP_SECONDS), '-vf', 'noise=alls=20:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-b:v', CLIP_BITRATE, '-maxrate', CLIP_BITRATE, '-bufsize', '4M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k',
    '-shortest', clip,
  ]);
  const copies = Math.max(1, Math.round(largeBytes / (await stat(clip)).size));
  const big = path.join(dir, 'large-end.mp4');
  await run(['-stream_loop', String(copies - 1), '-i', clip, '-map', '0', '-c', 'copy', big]);

  const small: ProbeMedia[] = [];
  const large: ProbeMedia[] = [];
  for (const placement of placements) {
    for (const [source, seconds, list] of [[clip, CLIP_SECONDS, small], [big, CLIP_SECONDS * copies, large]] as const) {
      let file = source;
      if (placement === 'start') {
        file = source.replace('-end.mp4', '-start.mp4');
        await run(['-i', source, '-map', '0', '-c', 'copy', '-movflags', '+faststart', file]);
      }
      const boxes = await topLevelBoxes(file);
      const moov = boxes.find((b) => b.type === 'moov');
      if (!moov || boxes.at(placement === 'end' ? -1 : 1)?.type !== 'moov') {
        throw new Error(`${file}: moov is not where expected (${boxes.map((b) => b.type).join(' ')})`);
      }
      list.push({
        name: path.basename(file),
        file,
        bytes: (await stat(file)).size,
        durationSeconds: seconds,
        placement,
        moov: { offset: moov.offset, bytes: moov.bytes },
      });
    }
  }
  return { small, large };
}

/** The top-level ISO BMFF boxes of a file (type, offset, size), read from their headers only. */
export async function topLevelBoxes(file: string): Promise<{ type: string; offset: number; bytes: number }[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(16);
    const boxes: { type: string; offset: number; bytes: number }[] = [];
    for (let offset = 0; offset + 8 <= size; ) {
      await handle.read(header, 0, 16, offset);
      let bytes = header.readUInt32BE(0);
      if (bytes === 1) bytes = Number(header.readBigUInt64BE(8));
      else if (bytes === 0) bytes = size - offset;
      if (bytes < 8) throw new Error(`${file}: bad box size ${bytes} at ${offset}`);
      boxes.push({ type: header.toString('latin1', 4, 8), offset, bytes });
      offset += bytes;
    }
    return boxes;
  } finally {
    await handle.close();
  }
}
