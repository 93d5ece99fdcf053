// BENCHMARKS.md: a short intro, then one section per bench run, newest first. Older runs are kept so
// that a regression shows up as a change between sections.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveMediaBinaries } from '../../src/platform/media/index.ts';
import { REPO_ROOT } from './server-process.ts';

const FILE = path.join(REPO_ROOT, 'BENCHMARKS.md');
const MARKER = '<!-- New runs are inserted below this line, newest first. -->';
const INTRO = `# Benchmarks

Measured with \`npm run bench\` (scripts under \`bench/\`, one section per run, newest first). Benchmarks
are scripts, never timed assertions in tests: numbers depend on the machine, so each run records it.
MiB = 2^20 bytes; "MB" in the requirement "RSS under 200 MB" is read strictly as 200 * 10^6 bytes
(190.7 MiB).

${MARKER}
`;

/** The machine a run was measured on, as Markdown lines. */
export function machineLines(postgresVersion: string): string[] {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const media = resolveMediaBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
  return [
    `- Date: ${run('date', ['-u'])}`,
    `- Machine: ${run('nproc', [])} CPUs (${cpu}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ` +
      `${os.type()} ${os.release()}`,
    `- Node ${process.version}; ${postgresVersion}`,
    `- FFmpeg: ${run(media.ffmpeg, ['-version']).split('\n')[0]}`,
  ];
}

/** Inserts a section (already starting with its `## ` heading) at the top of the run list. */
export function recordRun(section: string): void {
  let text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : INTRO;
  if (!text.includes(MARKER)) text = `${text.trimEnd()}\n\n${MARKER}\n`;
  const at = text.indexOf(MARKER) + MARKER.length;
  writeFileSync(FILE, `${text.slice(0, at)}\n\n${section.trim()}\n${text.slice(at).replace(/^\n*/, '\n')}`.trimEnd() + '\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim();
  } catch {
    return `unknown (${command} failed)`;
  }
}
