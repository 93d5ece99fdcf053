import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'pg-boss';
import type { Command } from '../generated/prisma/client.ts';
import type { Deps } from '../platform/context.ts';
import { probeMedia } from '../platform/media/index.ts';
import { OutboundError } from '../platform/outbound/index.ts';
import { isPassingFailure } from '../platform/passing-errors.ts';
import { splitCommandLine } from './command-line.ts';
import { fetchInput, localInputName, resolveInput, type InputSource } from './command-inputs.ts';
import { CommandFailure } from './command-failure.ts';
import { finishCommand } from './command-finish.ts';
import { removeOutputs, storeOutputs } from './command-outputs.ts';
import { createProgressReporter } from './command-progress.ts';
import { TERMINAL_COMMAND_STATUSES, transitionCommand } from './command-status.ts';
import { allowedInputFormats, assertAllowedFormat, formatRefusal, keysOpenedBesideInputs, withFormatWhitelist } from './input-formats.ts';
import { substitutePlaceholders } from './placeholders.ts';
import { runFfmpeg } from './sandbox/index.ts';

const STDERR_TAIL_CHARS = 2000;

interface StoredRequest {
  input_files: Record<string, string>;
  output_files: Record<string, string>;
  ffmpeg_command?: string;
  ffmpeg_commands?: string[];
}

/** The command.run job: a fresh working directory, inputs, FFmpeg step by step, outputs, the end. */
export async function runCommand(deps: Deps, sandbox: 'bwrap' | 'none', commandId: string, job: Job<unknown>, lastAttempt: boolean) {
  const command = await deps.db.command.findUnique({ where: { id: commandId } });
  if (!command || TERMINAL_COMMAND_STATUSES.has(command.status)) return;
  const startedAt = new Date();
  const started = await transitionCommand(deps, commandId, ['QUEUED', 'PROCESSING'], { status: 'PROCESSING', startedAt, progress: 0 });
  if (!started) return; // ended meanwhile (dead-letter handler, sweep)
  await removeOutputs(deps, commandId); // left by an attempt whose worker died
  const workDir = path.join(deps.config.dataDir, 'work', `${commandId}-${job.retryCount}`);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  // The working directory goes before the final status is announced: a client that sees the end
  // must not see the command's files still on the worker.
  let outcome: { ffmpegSeconds: number } | CommandFailure;
  const signal = AbortSignal.any([job.signal, deps.shutdown]);
  try {
    outcome = { ffmpegSeconds: await execute(deps, sandbox, command, workDir, signal) };
  } catch (err) {
    // Stopped from outside (this process shutting down, or the queue giving the job to another
    // worker): let go without an end state; the queue runs it again.
    const released = signal.aborted;
    // FFmpeg's verdicts (CommandFailure), refused URLs and bugs are final; storage, the database or
    // the network failing for now is tried again, like a lost worker.
    const retryable = !lastAttempt && (err instanceof OutboundError ? err.retryable : isPassingFailure(err));
    if (released || retryable) {
      if (!released && !(err instanceof OutboundError)) deps.log.warn({ err, commandId, attempt: job.retryCount + 1 }, 'command attempt failed; trying again');
      await rm(workDir, { recursive: true, force: true });
      throw err;
    }
    outcome = err instanceof CommandFailure ? err : unexpected(deps, commandId, err);
  }
  await rm(workDir, { recursive: true, force: true });
  // A failed command keeps no outputs, not even those stored before the failure.
  if (outcome instanceof CommandFailure) await removeOutputs(deps, commandId);
  const timings = { completedAt: new Date(), totalProcessingSeconds: (Date.now() - startedAt.getTime()) / 1000 };
  const ended = await finishCommand(
    deps,
    commandId,
    outcome instanceof CommandFailure
      ? { status: 'FAILED', errorStatus: outcome.status, errorMessage: outcome.message, ...timings }
      : { status: 'SUCCESS', progress: 100, ffmpegRunSeconds: outcome.ffmpegSeconds, ...timings },
  );
  // Ended FAILED meanwhile (the sweep gave this run up for lost): what this run stored must go too.
  if (!ended && (await deps.db.command.findUnique({ where: { id: commandId }, select: { status: true } }))?.status === 'FAILED') {
    await removeOutputs(deps, commandId);
  }
}

function unexpected(deps: Deps, commandId: string, err: unknown): CommandFailure {
  if (err instanceof OutboundError) return new CommandFailure('UNREACHABLE_INPUT_FILE', err.message);
  deps.log.error({ err, commandId }, 'command failed unexpectedly');
  return new CommandFailure('INTERNAL_ERROR', 'The command could not be completed because of an internal error.');
}

async function execute(deps: Deps, sandbox: 'bwrap' | 'none', command: Command, workDir: string, signal: AbortSignal): Promise<number> {
  const request = command.originalRequest as unknown as StoredRequest;
  const steps = (request.ffmpeg_commands ?? [request.ffmpeg_command ?? '']).map((step) => splitCommandLine(step));
  // Spawning ffprobe costs 0.1–0.2 s per file; a file FFmpeg opens only through -i needs no check.
  const checked = keysOpenedBesideInputs(steps);
  const names: Record<string, string> = { ...request.output_files };
  const sources = new Map<string, InputSource>();
  // Inputs live in a directory whose name the command cannot know: nothing the run writes (a scratch
  // output, a muxer's segment) can replace one after its check and before a filter (movie=) opens it.
  const inputDir = `in-${randomBytes(8).toString('hex')}`;
  await mkdir(path.join(workDir, inputDir));
  for (const [key, value] of Object.entries(request.input_files)) {
    const source = await resolveInput({ ...deps, accountId: command.accountId }, value);
    if ('problem' in source) throw new CommandFailure('UNREACHABLE_INPUT_FILE', `${key} ${source.problem}`);
    sources.set(key, source);
    names[key] = `${inputDir}/${localInputName(key, source)}`;
  }
  // The first failure stops the other copies and is raised once all have settled: the working
  // directory is removed right after, and no copy may still be writing into it then.
  const stopCopies = new AbortController();
  const copySignal = AbortSignal.any([signal, stopCopies.signal]);
  let firstFailure: { reason: unknown } | undefined;
  await Promise.allSettled(
    [...sources].map(([key, source]) =>
      fetchInput(deps, source, path.join(workDir, names[key]!), copySignal).catch((reason: unknown) => {
        firstFailure ??= { reason };
        stopCopies.abort();
        throw reason;
      }),
    ),
  );
  if (firstFailure) throw firstFailure.reason;
  const formats = await allowedInputFormats(deps.media.ffmpeg);
  await Promise.all([...sources.keys()].filter((key) => checked.has(key)).map((key) => assertAllowedFormat(deps.media.ffprobeOfFfmpeg, path.join(workDir, names[key]!), key, formats)));
  const durations = await Promise.all(
    [...sources].map(async ([key, source]) =>
      source.kind === 'stored'
        ? source.duration
        : (await probeMedia(path.join(workDir, names[key]!), { ffprobePath: deps.media.ffprobe, fallbackFfprobePath: deps.media.ffprobeFallback, filename: names[key]! }).catch(() => null))?.duration ?? null,
    ),
  );
  const progress = createProgressReporter(deps, command.id, steps.length, Math.max(0, ...durations.map((d) => d ?? 0)));

  const deadline = Date.now() + command.maxRunSeconds * 1000;
  let ffmpegSeconds = 0;
  for (const [index, step] of steps.entries()) {
    // A filter (movie=) opens its file past -format_whitelist, and an earlier step may have written
    // that file: an output, or an input's own file overwritten. Each is checked again before each step.
    await Promise.all(
      [...checked].map(async (key) => {
        const file = names[key] === undefined ? undefined : path.join(workDir, names[key]);
        if (index > 0 && file && (await stat(file).catch(() => null))) await assertAllowedFormat(deps.media.ffprobeOfFfmpeg, file, key, formats);
      }),
    );
    const args = withFormatWhitelist(step.map((arg) => substitutePlaceholders(arg, names)), formats);
    const result = await runFfmpeg({
      ffmpegPath: deps.media.ffmpeg,
      args,
      workDir,
      sandbox,
      timeoutMs: Math.max(1, deadline - Date.now()),
      cpuSeconds: command.maxRunSeconds * os.availableParallelism(),
      maxOutputBytes: deps.config.maxFileBytes,
      maxMemoryBytes: deps.config.commands.maxMemoryBytes,
      onProgress: (p) => progress.step(index, p.outTimeUs),
      signal,
    });
    if (result.aborted) throw signal.reason ?? new Error('aborted');
    ffmpegSeconds += result.durationMs / 1000;
    deps.metrics.ffmpegSeconds.inc({ result: result.timedOut ? 'timeout' : result.exitCode === 0 ? 'ok' : 'error' }, result.durationMs / 1000);
    if (result.timedOut) {
      throw new CommandFailure('TIMEOUT', `FFmpeg ran longer than max_command_run_seconds (${command.maxRunSeconds} s) and was stopped.`);
    }
    if (result.signal === 'SIGXCPU') {
      throw new CommandFailure('TIMEOUT', `FFmpeg used more CPU time than max_command_run_seconds allows and was stopped.`);
    }
    if (result.signal === 'SIGXFSZ') {
      throw new CommandFailure('OUTPUT_TOO_LARGE', `FFmpeg wrote a file larger than ${deps.config.maxFileBytes} bytes and was stopped.`);
    }
    if (result.exitCode !== 0) {
      const refusal = formatRefusal(result.stderrTail, names);
      if (refusal) throw refusal;
      const which = steps.length > 1 ? `command ${index + 1} of ${steps.length}` : 'FFmpeg';
      // FFmpeg prints the whole whitelist when it refuses a format; that says nothing useful.
      const tail = result.stderrTail.replaceAll(formats, '<allowed formats>').trim().slice(-STDERR_TAIL_CHARS);
      throw new CommandFailure('FFMPEG_ERROR', `${which} exited with ${result.exitCode ?? result.signal}: ${tail}`);
    }
  }
  await progress.flush();
  await storeOutputs(deps, command, request.output_files, workDir);
  return ffmpegSeconds;
}
