import type { Prisma } from '../generated/prisma/client.ts';
import type { Deps } from '../platform/context.ts';
import { deliverWebhookJob } from '../webhooks/webhook-jobs.ts';
import { removeOutputs } from './command-outputs.ts';
import { publishCommandStatus } from './command-status.ts';

export type CommandEnd = Prisma.CommandUpdateManyMutationInput & { status: 'SUCCESS' | 'FAILED' };

/**
 * Ends a command that is still PROCESSING (or QUEUED) and, in the same transaction, queues its
 * webhook when it has one (its own webhook_url or an active account webhook): the end and its
 * notification happen together or not at all. False when the command had already ended.
 */
export async function finishCommand(deps: Pick<Deps, 'db' | 'queue' | 'events' | 'log'>, commandId: string, end: CommandEnd): Promise<boolean> {
  const ended = await deps.db.$transaction(async (tx) => {
    const result = await tx.command.updateMany({ where: { id: commandId, status: { in: ['QUEUED', 'PROCESSING'] } }, data: end });
    if (result.count === 0) return false;
    const command = await tx.command.findUniqueOrThrow({ where: { id: commandId }, select: { webhookUrl: true, accountId: true } });
    const account = command.webhookUrl
      ? null
      : await tx.webhookConfig.findFirst({ where: { accountId: command.accountId, isActive: true }, select: { url: true } });
    if (command.webhookUrl || account) await deps.queue.send(deliverWebhookJob, { commandId }, tx);
    return true;
  });
  if (ended) await publishCommandStatus(deps, commandId, end.status, typeof end.progress === 'number' ? end.progress : undefined);
  return ended;
}

/**
 * Ends FAILED a command whose run is gone (its worker died for the last time, or never came back),
 * and removes the outputs an attempt stored before it died: a failed command keeps none.
 */
export async function failAbandonedCommand(deps: Deps, commandId: string, end: Omit<CommandEnd, 'status'>): Promise<boolean> {
  const ended = await finishCommand(deps, commandId, { ...end, status: 'FAILED' });
  if (ended) await removeOutputs(deps, commandId);
  return ended;
}
