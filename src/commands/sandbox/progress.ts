export interface FfmpegProgress {
  outTimeUs: number | null;
  frame: number | null;
  speed: number | null;
  done: boolean;
}

/** Parses one `-progress` block: the key=value lines up to and including `progress=continue|end`. */
export function parseProgressBlock(lines: string[]): FfmpegProgress {
  const values = new Map<string, string>();
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  // FFmpeg writes out_time_ms in microseconds too (a historical misnomer), so both keys mean the same.
  const outTimeUs =
    parseMicros(values.get('out_time_us')) ??
    parseMicros(values.get('out_time_ms')) ??
    parseClock(values.get('out_time'));
  return {
    outTimeUs,
    frame: parseCount(values.get('frame')),
    speed: parseSpeed(values.get('speed')),
    done: values.get('progress') === 'end',
  };
}

// Before the first packet FFmpeg reports huge negative sentinels (or a slightly negative start time);
// progress consumers want "unknown", not a negative position.
function parseMicros(raw: string | undefined): number | null {
  if (raw === undefined || !/^-?\d+$/.test(raw)) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function parseClock(raw: string | undefined): number | null {
  const match = raw === undefined ? null : /^(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(raw);
  if (!match) return null;
  const [, h, m, s, frac = ''] = match;
  const micros = Number(frac.padEnd(6, '0'));
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1_000_000 + micros;
}

function parseCount(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : null;
}

function parseSpeed(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const text = raw.endsWith('x') ? raw.slice(0, -1).trim() : raw;
  // Number() rather than parseFloat so "N/A" or "1.2abc" become null; FFmpeg may print "2.07e+03x".
  const value = text === '' ? NaN : Number(text);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/** Splits FFmpeg's progress stream (stdout) into blocks; bounded so a stream without newlines cannot grow memory. */
export class ProgressStreamParser {
  private partial = '';
  private lines: string[] = [];
  private static readonly maxPending = 64 * 1024;

  constructor(private readonly onBlock: (progress: FfmpegProgress) => void) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > ProgressStreamParser.maxPending) this.partial = '';
    for (const part of parts) this.acceptLine(part.replace(/\r$/, ''));
  }

  private acceptLine(line: string): void {
    if (line === '') return;
    this.lines.push(line);
    if (line.startsWith('progress=')) {
      const block = this.lines;
      this.lines = [];
      this.onBlock(parseProgressBlock(block));
    } else if (this.lines.length > 1000) {
      this.lines = this.lines.slice(-100);
    }
  }
}
