import type { Deps } from '../platform/context.ts';
import { publishCommandStatus } from './command-status.ts';

const PUBLISH_EVERY_MS = 250;
const STORE_EVERY_PERCENT = 10;

/**
 * Turns FFmpeg's out_time into a percent of the whole command (steps share it equally) and
 * announces it live; the database only gets it in coarse steps, to keep writes cheap.
 */
export function createProgressReporter(deps: Pick<Deps, 'db' | 'events' | 'log'>, commandId: string, steps: number, durationSeconds: number) {
  let lastPublished = 0;
  let lastStored = 0;
  let percent = 0;
  let pending: Promise<unknown> = Promise.resolve();

  const announce = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastPublished < PUBLISH_EVERY_MS) return;
    lastPublished = now;
    pending = pending.then(() => publishCommandStatus(deps, commandId, 'PROCESSING', percent));
    if (percent - lastStored >= STORE_EVERY_PERCENT || (force && percent !== lastStored)) {
      lastStored = percent;
      const value = percent;
      pending = pending.then(() =>
        deps.db.command.updateMany({ where: { id: commandId, status: 'PROCESSING' }, data: { progress: value } }),
      );
    }
    // Handled here, as each write is chained: a rejection left for flush() would be unhandled while
    // FFmpeg runs, and end the process. Progress is best effort; the command goes on without it.
    pending = pending.catch((err: unknown) => deps.log.warn({ err, commandId }, 'could not record progress'));
  };

  return {
    step(index: number, outTimeUs: number | null) {
      const fraction = durationSeconds > 0 && outTimeUs !== null ? Math.min(1, outTimeUs / 1e6 / durationSeconds) : 0;
      // Never 100 before the outputs are stored, and never backwards.
      const next = Math.min(99, Math.floor(((index + fraction) / steps) * 100));
      if (next <= percent) return;
      percent = next;
      announce(false);
    },
    async flush() {
      announce(true);
      await pending;
    },
  };
}
