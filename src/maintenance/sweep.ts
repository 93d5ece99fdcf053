import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { failAbandonedCommand } from '../commands/command-finish.ts';
import { isFileStorageKey } from '../files/file-names.ts';
import { failFile } from '../files/file-status.ts';
import type { Deps } from '../platform/context.ts';
import { defineJob, type JobWorker } from '../platform/queue.ts';

const HOUR_MS = 3600_000;
// An object younger than this may be an upload whose record is not written yet.
const ORPHAN_MIN_AGE_MS = HOUR_MS;
const BATCH = 500;

export const sweepJob = defineJob({
  name: 'maintenance.sweep',
  payload: z.object({}).passthrough(),
  options: { retryLimit: 0, expireInSeconds: 3600 },
});
export const SWEEP_CRON = '*/10 * * * *';

export interface SweepReport {
  orphanObjects: number;
  unfinishedWrites: number;
  stuckFiles: number;
  stuckCommands: number;
  workDirs: number;
  expiredRows: number;
}

/**
 * Cleans up after crashes: storage objects no live file owns, writes that never finished, files and
 * commands stuck past any deadline, working directories of commands that are no longer running
 * here, and expired rows.
 */
export async function sweep(deps: Deps, now = Date.now()): Promise<SweepReport> {
  const report: SweepReport = { orphanObjects: 0, unfinishedWrites: 0, stuckFiles: 0, stuckCommands: 0, workDirs: 0, expiredRows: 0 };
  let batch: string[] = [];
  const flush = async () => {
    const live = await deps.db.file.findMany({ where: { storageKey: { in: batch }, isDeleted: false }, select: { storageKey: true } });
    const owned = new Set(live.map((f) => f.storageKey));
    for (const key of batch.filter((k) => !owned.has(k))) {
      try {
        await deps.storage.delete(key);
        report.orphanObjects++;
      } catch (err) {
        // One object that cannot be deleted must not stop the sweep (and all that comes after it).
        deps.log.warn({ err, key }, 'sweep: an orphaned object could not be deleted');
      }
    }
    batch = [];
  };
  for await (const object of deps.storage.list()) {
    // Only the service's own keys: anything else in a bucket (a console's folder marker, another
    // tool's objects) is never judged nor deleted.
    if (!isFileStorageKey(object.key) || now - object.lastModified.getTime() < ORPHAN_MIN_AGE_MS) continue;
    batch.push(object.key);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  report.unfinishedWrites = (await deps.storage.removeUnfinishedWrites?.(new Date(now - ORPHAN_MIN_AGE_MS))) ?? 0;

  const fileDeadline = new Date(now - deps.config.importTimeoutMs - 2 * HOUR_MS);
  for (const file of await deps.db.file.findMany({ where: { status: 'PROCESSING', createdAt: { lt: fileDeadline } }, select: { id: true } })) {
    // Not counted when it ended (or was deleted) between the query and this update.
    if (await failFile(deps, file.id, 'TIMEOUT', 'Processing did not finish in time.')) report.stuckFiles++;
  }

  const running = await deps.db.command.findMany({ where: { status: 'PROCESSING' }, select: { id: true, startedAt: true, maxRunSeconds: true } });
  for (const command of running) {
    const deadline = (command.startedAt?.getTime() ?? now) + command.maxRunSeconds * 1000 + 2 * HOUR_MS;
    if (deadline > now) continue;
    const ended = await failAbandonedCommand(deps, command.id, {
      errorStatus: 'WORKER_LOST',
      errorMessage: 'The command stopped without finishing.',
      completedAt: new Date(now),
    });
    if (ended) report.stuckCommands++;
  }

  report.workDirs = await sweepWorkDirs(deps, now);
  const expired = await Promise.all([
    deps.db.rateLimitWindow.deleteMany({ where: { windowStart: { lt: new Date(now - HOUR_MS) } } }),
    deps.db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: new Date(now - 24 * HOUR_MS) } } }),
  ]);
  report.expiredRows = expired.reduce((sum, r) => sum + r.count, 0);
  return report;
}

/** This process's working directories (`<command id>-<attempt>`) of commands not running any more. */
export async function sweepWorkDirs(deps: Pick<Deps, 'db' | 'config'>, now = Date.now()): Promise<number> {
  const root = path.join(deps.config.dataDir, 'work');
  const names = await readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const commandId = /^([0-9a-f-]{36})-\d+$/.exec(name)?.[1];
    const command = commandId ? await deps.db.command.findUnique({ where: { id: commandId }, select: { status: true, maxRunSeconds: true } }) : null;
    const info = await stat(path.join(root, name)).catch(() => null);
    if (!info) continue;
    const stillRunning = command?.status === 'PROCESSING' && info.mtimeMs + command.maxRunSeconds * 1000 + HOUR_MS > now;
    if (stillRunning) continue;
    await rm(path.join(root, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

export function sweepJobWorkers(deps: Deps): JobWorker<Record<string, unknown>>[] {
  return [
    {
      definition: sweepJob,
      handle: async () => {
        const report = await sweep(deps);
        deps.log.info({ report }, 'maintenance sweep done');
      },
    },
  ];
}
