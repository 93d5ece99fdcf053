import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../platform/logger.ts';
import { ProgramError, runProgram } from '../../platform/run-program.ts';
import { buildSpawnPlan } from './spawn-plan.ts';

export type SandboxSetting = 'auto' | 'bwrap' | 'none';

export interface ResolveSandboxOptions {
  /** When given, the trial runs `<ffmpeg> -version` inside the sandbox, which also proves its libraries load. */
  ffmpegPath?: string;
  /** Replaces the trial run (tests); must reject when bwrap cannot be used. */
  trial?: () => Promise<void>;
}

const TRIAL_TIMEOUT_MS = 15_000;

/**
 * auto: 'bwrap' when a trial run works, else 'none' with a loud warning; bwrap: must work or throw;
 * none: 'none', with a warning that FFmpeg runs unsandboxed.
 */
export async function resolveSandbox(
  setting: SandboxSetting,
  log: Logger,
  options: ResolveSandboxOptions = {},
): Promise<'bwrap' | 'none'> {
  if (setting === 'none') {
    log.warn({ sandbox: 'none' }, 'SANDBOX=none: FFmpeg runs unsandboxed (only the argument policy and prlimit apply)');
    return 'none';
  }
  const trial = options.trial ?? (() => trialBwrap({ ffmpegPath: options.ffmpegPath }));
  try {
    await trial();
    log.info({ sandbox: 'bwrap' }, 'FFmpeg sandbox: bubblewrap');
    return 'bwrap';
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (setting === 'bwrap') {
      throw new Error(`SANDBOX=bwrap but bubblewrap does not work here: ${reason}`, { cause: err });
    }
    log.warn(
      { sandbox: 'none', reason },
      '!!! SANDBOX=auto: bubblewrap does not work here, so FFmpeg runs UNSANDBOXED (install the bubblewrap package, allow user namespaces, or set SANDBOX=bwrap to refuse to start) !!!',
    );
    return 'none';
  }
}

export interface BwrapTrialOptions {
  ffmpegPath?: string;
  /** Another bwrap binary (tests use a broken one). */
  bwrapPath?: string;
}

/** Runs a trivial command with the same prlimit + bwrap wrapping as a real FFmpeg run. */
export async function trialBwrap(options: BwrapTrialOptions = {}): Promise<void> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-sandbox-trial-'));
  try {
    const plan = buildSpawnPlan({
      binary: options.ffmpegPath ?? '/usr/bin/true',
      args: options.ffmpegPath ? ['-hide_banner', '-version'] : [],
      workDir,
      sandbox: 'bwrap',
      limits: { cpuSeconds: 10 },
      bwrapPath: options.bwrapPath,
    });
    await runProgram(plan.file, plan.args, { cwd: plan.cwd, env: plan.env, timeoutMs: TRIAL_TIMEOUT_MS }).catch((err: unknown) => {
      const stderr = err instanceof ProgramError ? err.stderr : '';
      const detail = stderr.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`${(err as Error).message.split('\n')[0]}${detail ? `: ${detail}` : ''}`);
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
