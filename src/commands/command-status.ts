import type { Prisma } from '../generated/prisma/client.ts';
import type { Deps } from '../platform/context.ts';

// How often a waiter reads a command again without an event: NOTIFYs can be lost (listener down).
export const COMMAND_RECHECK_MS = 5_000;
export const TERMINAL_COMMAND_STATUSES = new Set(['SUCCESS', 'FAILED']);

export async function publishCommandStatus(
  deps: Pick<Deps, 'events' | 'log'>,
  commandId: string,
  status: string,
  progress?: number,
): Promise<void> {
  await deps.events.publish({ topic: 'command', id: commandId, status, progress }).catch((err: unknown) => {
    deps.log.warn({ err, commandId }, 'could not announce a command status change');
  });
}

/** Updates a command still in one of `from` and announces it; false when it was not. */
export async function transitionCommand(
  deps: Pick<Deps, 'db' | 'events' | 'log'>,
  commandId: string,
  from: ('QUEUED' | 'PROCESSING')[],
  data: Prisma.CommandUpdateManyMutationInput & { status: 'PROCESSING' | 'SUCCESS' | 'FAILED' },
): Promise<boolean> {
  const result = await deps.db.command.updateMany({ where: { id: commandId, status: { in: from } }, data });
  if (result.count > 0) await publishCommandStatus(deps, commandId, data.status, typeof data.progress === 'number' ? data.progress : undefined);
  return result.count > 0;
}
