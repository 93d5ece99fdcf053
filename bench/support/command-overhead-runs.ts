// One measured FFmpeg run of bench/command-overhead, through the API or directly, and the upload of
// its input clip. Both sides take the same steps (one argv each, run in order): words with an
// {{in_video}} placeholder and output placeholders named in the outputs map.
import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { probeMedia } from '../../src/platform/media/index.ts';
import { api, type ServerProcess } from './server-process.ts';

const run = promisify(execFile);
const WAIT_SECONDS = 60; // the largest ?wait the route accepts

/** Where the API's time went, in ms; the stages add up to totalMs. */
export interface ApiRun {
  totalMs: number;
  /** POST answered with the command_id (request start to response). */
  submitMs: number;
  /** Request start to the row's created_at. */
  toCreatedMs: number;
  /** created_at to started_at: pg-boss fetch and the worker picking the job up. */
  queueMs: number;
  /** ffmpeg_command_run_seconds: prlimit + bwrap + FFmpeg, spawn to close. */
  ffmpegMs: number;
  /** started_at to the last output row's created_at, minus FFmpeg: input copy and format checks, output store and probe. */
  workerMs: number;
  /** Last output row to completed_at: work dir removal and the final transaction. */
  finishMs: number;
  /** completed_at to the client holding the SUCCESS answer: NOTIFY, the waiting GET's read and reply. */
  answerMs: number;
}

export interface DirectRun {
  ffmpegMs: number;
  /** The same probe the service runs on each output (probeMedia with the same ffprobe). */
  probeMs: number;
}

interface RestFile {
  file_id: string;
  status: string;
  duration: number | null;
  width: number | null;
  created_at: string;
}

interface RestCommand {
  command_id: string;
  status: string;
  error_message: string | null;
  ffmpeg_command_run_seconds: number | null;
  output_files: Record<string, RestFile>;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}


/** Uploads a local clip (streamed from disk) and waits until it is STORED; returns its file_id. */
export async function uploadClip(server: ServerProcess, file: string): Promise<string> {
  const form = new FormData();
  form.append('file', await openAsBlob(file), path.basename(file));
  const { file_id: fileId } = await api<{ file_id: string }>(server, '/api/v1/files/upload', { method: 'POST', body: form });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const stored = await api<RestFile>(server, `/api/v1/files/${fileId}`);
    if (stored.status === 'STORED') return fileId;
    if (stored.status !== 'PROCESSING' || Date.now() > deadline) throw new Error(`upload of ${file}: ${JSON.stringify(stored)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Submits the command and long-polls GET ?wait until it ends: the service answers on its own
 * status event, so no polling interval adds to the time and no requests run beside FFmpeg.
 */
export async function runThroughApi(server: ServerProcess, fileId: string, steps: string[][], outputs: Record<string, string>): Promise<ApiRun> {
  const chained = steps.length > 1;
  const body = JSON.stringify({
    input_files: { in_video: fileId },
    output_files: outputs,
    ...(chained ? { ffmpeg_commands: steps.map((words) => words.join(' ')) } : { ffmpeg_command: steps[0]!.join(' ') }),
  });
  const t0 = wallNow();
  const { command_id: id } = await api<{ command_id: string }>(server, chained ? '/api/v1/run-chained-ffmpeg-commands' : '/api/v1/run-ffmpeg-command', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const submitMs = wallNow() - t0;
  let command: RestCommand;
  do command = await api<RestCommand>(server, `/api/v1/commands/${id}?wait=${WAIT_SECONDS}`);
  while (command.status === 'QUEUED' || command.status === 'PROCESSING');
  const t1 = wallNow();
  const stored = Object.keys(outputs).map((key) => command.output_files[key]);
  if (command.status !== 'SUCCESS' || stored.some((o) => o?.status !== 'STORED' || o.duration === null || o.width === null)) {
    throw new Error(`command ${id} did not end SUCCESS with every output stored and probed: ${JSON.stringify(command).slice(0, 1000)}`);
  }
  await api(server, `/api/v1/commands/${id}/files`, { method: 'DELETE' }); // keeps the disk from filling over the runs
  const at = (iso: string | null) => Date.parse(iso!);
  const lastOutputAt = Math.max(...stored.map((o) => at(o!.created_at)));
  const ffmpegMs = command.ffmpeg_command_run_seconds! * 1000;
  return {
    totalMs: t1 - t0,
    submitMs,
    toCreatedMs: at(command.created_at) - t0,
    queueMs: at(command.started_at) - at(command.created_at),
    ffmpegMs,
    workerMs: lastOutputAt - at(command.started_at) - ffmpegMs,
    finishMs: at(command.completed_at) - lastOutputAt,
    answerMs: t1 - at(command.completed_at),
  };
}

/** The same steps with execFile, one after the other, plain (no sandbox, no prlimit), outputs into outDir; then a probe of each output. */
export async function runDirect(
  ffmpeg: string,
  ffprobe: string,
  steps: string[][],
  outputs: Record<string, string>,
  input: string,
  outDir: string,
): Promise<DirectRun> {
  const files = new Map([['in_video', input], ...Object.entries(outputs).map(([key, name]) => [key, path.join(outDir, name)] as const)]);
  const t0 = performance.now();
  for (const words of steps) {
    await run(ffmpeg, words.map((w) => w.replace(/^\{\{(\w+)\}\}$/, (text, key: string) => files.get(key) ?? text)), { maxBuffer: 64 * 1024 * 1024 });
  }
  const t1 = performance.now();
  for (const [key, name] of Object.entries(outputs)) {
    const probed = await probeMedia(files.get(key)!, { ffprobePath: ffprobe, filename: name });
    if (probed.duration === null) throw new Error(`direct run wrote an output ffprobe cannot read: ${files.get(key)}`);
  }
  const t2 = performance.now();
  await Promise.all(Object.keys(outputs).map((key) => rm(files.get(key)!)));
  return { ffmpegMs: t1 - t0, probeMs: t2 - t1 };
}
