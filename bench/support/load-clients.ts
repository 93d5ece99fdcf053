// The clients of bench/load: each loops over a weighted mix of operations against the API processes
// (round robin), recording latency and outcome per operation, and remembering every acknowledged
// file and command so that the bench can check they all reach a terminal state.
import { percentile } from './stats.ts';

export interface OperationStats {
  name: string;
  count: number;
  p50: number;
  p99: number;
  rateLimited: number;
  errors: number;
}

export interface LoadResult {
  operations: OperationStats[];
  errors: number;
  files: number;
  commands: number;
  terminalFiles: number;
  terminalCommands: number;
  failedFiles: number;
  failedCommands: number;
}

interface LoadOptions {
  apis: string[];
  apiKey: string;
  clients: number;
  seconds: number;
  clip: Buffer;
  importUrl: string;
}

type Op = 'read' | 'list' | 'upload' | 'import' | 'command';
const MIX: [Op, number][] = [['read', 0.35], ['list', 0.15], ['upload', 0.15], ['import', 0.15], ['command', 0.2]];

function pick(): Op {
  let r = Math.random();
  for (const [op, weight] of MIX) if ((r -= weight) < 0) return op;
  return 'read';
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies = new Map<Op, number[]>(MIX.map(([op]) => [op, []]));
  const rateLimited = new Map<Op, number>();
  const errors = new Map<Op, number>();
  const files: string[] = [];
  const stored: string[] = []; // files a read saw STORED: usable as command inputs
  const commands: string[] = [];
  const headers = { 'X-API-KEY': opts.apiKey };
  let turn = 0;
  const base = () => opts.apis[turn++ % opts.apis.length]!;

  async function once(op: Op): Promise<Response> {
    switch (op) {
      case 'read': {
        const id = files[Math.floor(Math.random() * files.length)];
        return fetch(id ? `${base()}/api/v1/files/${id}` : `${base()}/api/v1/files?limit=10`, { headers });
      }
      case 'list':
        return fetch(`${base()}/api/v1/files?limit=20`, { headers });
      case 'upload': {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(opts.clip)]), 'clip.mp4');
        return fetch(`${base()}/api/v1/files/upload`, { method: 'POST', headers, body: form });
      }
      case 'import':
        return fetch(`${base()}/api/v1/files/store-file`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ file_url: opts.importUrl }),
        });
      case 'command':
        return fetch(`${base()}/api/v1/run-ffmpeg-command`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({
            input_files: { in_video: stored[Math.floor(Math.random() * stored.length)] ?? opts.importUrl },
            output_files: { out_frame: 'frame.png' },
            ffmpeg_command: '-i {{in_video}} -frames:v 1 -vf scale=160:-2 {{out_frame}}',
          }),
        });
    }
  }

  const deadline = Date.now() + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      while (Date.now() < deadline) {
        const op = pick();
        const started = performance.now();
        let status = 0;
        let body: any;
        try {
          const response = await once(op);
          status = response.status;
          body = await response.json().catch(() => undefined);
        } catch {
          status = 0;
        }
        latencies.get(op)!.push(performance.now() - started);
        if (status === 429) rateLimited.set(op, (rateLimited.get(op) ?? 0) + 1);
        else if (status < 200 || status > 299) errors.set(op, (errors.get(op) ?? 0) + 1);
        else if (op === 'read' && body?.status === 'STORED') stored.push(body.file_id);
        else if (body?.file_id && op !== 'read') files.push(body.file_id);
        else if (body?.command_id) commands.push(body.command_id);
      }
    }),
  );

  const operations = MIX.map(([op]) => {
    const values = latencies.get(op)!;
    return { name: op, count: values.length, p50: percentile(values, 50), p99: percentile(values, 99), rateLimited: rateLimited.get(op) ?? 0, errors: errors.get(op) ?? 0 };
  });
  const final = await waitTerminal(opts, files, commands);
  return { operations, errors: [...errors.values()].reduce((a, b) => a + b, 0), files: files.length, commands: commands.length, ...final };
}

/** Polls every acknowledged file and command until each is terminal (or 180 s pass). */
async function waitTerminal(opts: LoadOptions, files: string[], commands: string[]) {
  const headers = { 'X-API-KEY': opts.apiKey };
  const deadline = Date.now() + 180_000;
  const fileStatus = new Map<string, string>();
  const commandStatus = new Map<string, string>();
  for (;;) {
    for (const id of files.filter((f) => !['STORED', 'FAILED'].includes(fileStatus.get(f) ?? ''))) {
      const body = (await (await fetch(`${opts.apis[0]}/api/v1/files/${id}`, { headers })).json()) as { status: string };
      fileStatus.set(id, body.status);
    }
    for (const id of commands.filter((c) => !['SUCCESS', 'FAILED'].includes(commandStatus.get(c) ?? ''))) {
      const body = (await (await fetch(`${opts.apis[0]}/api/v1/commands/${id}`, { headers })).json()) as { status: string };
      commandStatus.set(id, body.status);
    }
    const terminalFiles = [...fileStatus.values()].filter((s) => s === 'STORED' || s === 'FAILED').length;
    const terminalCommands = [...commandStatus.values()].filter((s) => s === 'SUCCESS' || s === 'FAILED').length;
    if ((terminalFiles === files.length && terminalCommands === commands.length) || Date.now() > deadline) {
      return {
        terminalFiles,
        terminalCommands,
        failedFiles: [...fileStatus.values()].filter((s) => s === 'FAILED').length,
        failedCommands: [...commandStatus.values()].filter((s) => s === 'FAILED').length,
      };
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
