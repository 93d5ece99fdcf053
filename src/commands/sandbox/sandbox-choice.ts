import type { Logger } from '../../platform/logger.ts';
import { resolveSandbox, type ResolveSandboxOptions, type SandboxSetting } from './resolve-sandbox.ts';

export interface SandboxChoiceOptions extends ResolveSandboxOptions {
  /** How long a failed trial stands before the next command tries bubblewrap again. */
  retrialMs?: number;
  /** The pause before a failed trial's one immediate second try. */
  secondTryMs?: number;
}

/**
 * The sandbox each command runs in, decided by a trial on first use. Bubblewrap, once it works, is
 * kept for good; a failed trial is not: it stands for retrialMs, then the next command tries again.
 * So one transient failure (a fork refused under load, a trial timing out) neither leaves SANDBOX=auto
 * unsandboxed nor fails every command under SANDBOX=bwrap until a restart.
 */
export function sandboxChoice(setting: SandboxSetting, log: Logger, options: SandboxChoiceOptions = {}): () => Promise<'bwrap' | 'none'> {
  const { retrialMs = 60_000, secondTryMs = 1_000, ...trialOptions } = options;
  let choice: Promise<'bwrap' | 'none'> | undefined;
  let final = false;
  let decidedAt = 0;

  const decide = async (): Promise<'bwrap' | 'none'> => {
    if (setting === 'none') return (final = true), resolveSandbox('none', log);
    try {
      // The first try stays quiet when it fails: only the second one's outcome is reported.
      const first = await resolveSandbox('bwrap', log, trialOptions).catch(() => undefined);
      if (first) return (final = true), first;
      await new Promise((resolve) => setTimeout(resolve, secondTryMs));
      const second = await resolveSandbox(setting, log, trialOptions);
      final = second === 'bwrap';
      return second;
    } finally {
      decidedAt = Date.now();
    }
  };

  return () => {
    if (!choice || (!final && decidedAt > 0 && Date.now() - decidedAt >= retrialMs)) {
      decidedAt = 0;
      choice = decide();
    }
    return choice;
  };
}
