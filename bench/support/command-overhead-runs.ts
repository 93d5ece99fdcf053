// One measured FFmpeg run of bench/command-overhead, through the API or directly, and the upload of
// its input clip. Both sides take the same argv: words with {{in_video}}/{{out_video}} placeholders.
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
  /** started_at to the output row's created_at, minus FFmpeg: input copy and format check, output store and probe. */
  workerMs: number;
  /** Output row to completed_at: work dir removal and the final transaction. */
  finishMs: number;
  /** completed_at to the client holding the SUCCESS answer: NOTIFY, the waiting GET's read and reply. */
  answerMs: number;
}

export interface DirectRun {
  ffmpegMs: number;
  /** The same probe the service runs on an output (probeMedia with the same ffprobe). */
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
export async function runThroughApi(server: ServerProcess, fileId: string, words: string[]): Promise<ApiRun> {
  const body = JSON.stringify({
    input_files: { in_video: fileId },
    output_files: { out_video: 'out.mp4' },
    ffmpeg_command: words.join(' '),
  });
  const t0 = wallNow();
  const { command_id: id } = await api<{ command_id: string }>(server, '/api/v1/run-ffmpeg-command', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const submitMs = wallNow() - t0;
  let command: RestCommand;
  do command = await api<RestCommand>(server, `/api/v1/commands/${id}?wait=${WAIT_SECONDS}`);
  while (command.status === 'QUEUED' || command.status === 'PROCESSING');
  const t1 = wallNow();
  const output = command.output_files.out_video;
  if (command.status !== 'SUCCESS' || output?.status !== 'STORED' || output.duration === null || output.width === null) {
    throw new Error(`command ${id} did not end SUCCESS with a stored, probed output: ${JSON.stringify(command).slice(0, 1000)}`);
  }
  await api(server, `/api/v1/commands/${id}/files`, { method: 'DELETE' }); // keeps the disk from filling over the runs
  const at = (iso: string | null) => Date.parse(iso!);
  const ffmpegMs = command.ffmpeg_command_run_seconds! * 1000;
  return {
    totalMs: t1 - t0,
    submitMs,
    toCreatedMs: at(command.created_at) - t0,
    queueMs: at(command.started_at) - at(command.created_at),
    ffmpegMs,
    workerMs: at(output.created_at) - at(command.started_at) - ffmpegMs,
    finishMs: at(command.completed_at) - at(output.created_at),
    answerMs: t1 - at(command.completed_at),
  };
}

/** The same argv with execFile, plain (no sandbox, no prlimit), output into outDir; then a probe of it. */
export async function runDirect(ffmpeg: string, ffprobe: string, words: string[], input: string, outDir: string): Promise<DirectRun> {
  const output = path.join(outDir, 'out.mp4');
  const args = words.map((w) => w.replace('{{in_video}}', input).replace('{{out_video}}', output));
  const t0 = performance.now();
  await run(ffmpeg, args, { maxBuffer: 64 * 1024 * 1024 });
  const t1 = performance.now();
  const probed = await probeMedia(output, { ffprobePath: ffprobe, filename: 'out.mp4' });
  const t2 = performance.now();
  if (probed.duration === null) throw new Error(`direct run wrote an output ffprobe cannot read: ${output}`);
  await rm(output);
  return { ffmpegMs: t1 - t0, probeMs: t2 - t1 };
}
