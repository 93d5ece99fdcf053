import type { Deps } from '../platform/context.ts';
import { deliverWebhookJob } from '../webhooks/webhook-jobs.ts';

/** Once a command is SUCCESS or FAILED: queue its webhook when it has one (its own or the account's). */
export async function afterCommandEnded(deps: Deps, commandId: string): Promise<void> {
  const command = await deps.db.command.findUnique({ where: { id: commandId }, select: { webhookUrl: true, accountId: true } });
  if (!command) return;
  const hasWebhook = command.webhookUrl
    ?? (await deps.db.webhookConfig.findFirst({ where: { accountId: command.accountId, isActive: true }, select: { url: true } }))?.url;
  if (hasWebhook) await deps.queue.send(deliverWebhookJob, { commandId });
}
