import { randomUUID } from 'node:crypto';
import type { Job } from 'pg-boss';
import { z } from 'zod';
import { commandToRest } from '../commands/command-rest.ts';
import type { Deps } from '../platform/context.ts';
import { request } from '../platform/outbound/index.ts';
import { defineJob, isLastAttempt, type JobWorker } from '../platform/queue.ts';
import { signWebhookBody } from './webhook-signing.ts';

export const DISABLE_AFTER_FAILURES = 8;
const TIMEOUT_MS = 10_000;

const deliveryPayload = z.object({ commandId: z.uuid() });
type DeliveryPayload = z.infer<typeof deliveryPayload>;

export const deliverWebhookJob = defineJob({
  name: 'webhook.deliver',
  payload: deliveryPayload,
  options: { retryLimit: 7, retryDelay: 2, retryBackoff: true, retryDelayMax: 600, expireInSeconds: 120 },
});

export const webhookJobDefinitions = [deliverWebhookJob];

class DeliveryFailed extends Error {}

/**
 * One attempt: POST {data, timestamp} to the command's webhook_url, else to the account webhook.
 * Each attempt is recorded; a failure is retried with backoff by the queue. Account webhooks count
 * consecutive failed deliveries (all attempts failed) and switch off at DISABLE_AFTER_FAILURES until
 * the next PUT.
 */
async function deliver(deps: Deps, { commandId }: DeliveryPayload, job: Job<unknown>): Promise<void> {
  // Ordered as GET /commands/:id orders them, so `data` is the same document, key for key.
  const command = await deps.db.command.findUnique({ where: { id: commandId }, include: { outputFiles: { orderBy: { outputAlias: 'asc' } } } });
  if (!command) return;
  const account = await deps.db.webhookConfig.findUnique({ where: { accountId: command.accountId } });
  const target = command.webhookUrl ?? (account?.isActive ? account.url : null);
  if (!target) return;
  const usesAccountWebhook = !command.webhookUrl;

  const body = JSON.stringify({ data: commandToRest(deps, command), timestamp: Date.now() });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'ffmpeg-media-api-webhook' };
  if (account?.secret) headers['x-webhook-signature'] = signWebhookBody(body, account.secret);

  const started = Date.now();
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    // No maxBytes: the body is never read, and a receiver's 200 with a long page (Content-Length over
    // a limit) is still a delivery.
    const response = await request(target, { allow: deps.allow, method: 'POST', headers, body, totalTimeoutMs: TIMEOUT_MS, firstByteTimeoutMs: TIMEOUT_MS, maxRedirects: 0 });
    httpStatus = response.status;
    // The answer's body says nothing we use. Drained instead, a body that stalls past the timeout
    // would fail as an 'error' event nobody listens to, which ends the process.
    response.body.destroy();
    if (httpStatus < 200 || httpStatus > 299) error = `HTTP ${httpStatus}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const ok = error === null;
  await deps.db.webhookDelivery.create({
    data: {
      id: randomUUID(),
      accountId: command.accountId,
      commandId,
      url: target,
      attempt: job.retryCount + 1,
      httpStatus,
      ok,
      error,
      durationMs: Date.now() - started,
    },
  });
  // A delivery fails once its last attempt fails ("8 consecutive failed deliveries"): one command
  // retried 8 times counts once, and a receiver down for a moment, while deliveries still have
  // retries left, neither counts nor switches the webhook off (which would drop those retries).
  // Any success resets the count.
  const lastAttempt = isLastAttempt(job, deliverWebhookJob);
  if (usesAccountWebhook && (ok || lastAttempt)) {
    // updateMany: the config may have been deleted meanwhile (update would throw), and the switch-off
    // is one conditional statement, so a PUT landing between two steps is never overridden.
    await deps.db.webhookConfig.updateMany({
      where: { accountId: command.accountId },
      data: ok ? { consecutiveFailures: 0 } : { consecutiveFailures: { increment: 1 } },
    });
    if (!ok) {
      const disabled = await deps.db.webhookConfig.updateMany({
        where: { accountId: command.accountId, isActive: true, consecutiveFailures: { gte: DISABLE_AFTER_FAILURES } },
        data: { isActive: false, disabledAt: new Date() },
      });
      if (disabled.count > 0) {
        deps.log.warn({ accountId: command.accountId }, 'account webhook disabled after repeated failures');
        return;
      }
    }
  }
  if (!ok) throw new DeliveryFailed(`webhook delivery to ${target} failed: ${error}`);
}

export function webhookJobWorkers(deps: Deps): JobWorker<DeliveryPayload>[] {
  return [{ definition: deliverWebhookJob, concurrency: 4, handle: (data, job) => deliver(deps, data, job) }];
}
