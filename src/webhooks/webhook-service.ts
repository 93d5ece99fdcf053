import type { ServiceContext } from '../platform/context.ts';
import { invalidRequest } from '../platform/errors.ts';
import { checkUrl } from '../platform/outbound/index.ts';

export interface WebhookConfigView {
  configured: boolean;
  url?: string;
  isActive?: boolean;
  consecutiveFailures?: number;
  disabledAt?: Date | null;
}

export const MAX_WEBHOOK_SECRET_LENGTH = 256;

/** Sets the account webhook; a PUT also re-enables one that was disabled after failures. */
export async function putWebhookConfig(ctx: ServiceContext, input: { url: string; secret?: string | null }) {
  // REST's body schema says the same; GraphQL's String argument has no length of its own.
  if ((input.secret?.length ?? 0) > MAX_WEBHOOK_SECRET_LENGTH) {
    throw invalidRequest(`secret: at most ${MAX_WEBHOOK_SECRET_LENGTH} characters`);
  }
  const url = (await checkUrl(input.url, ctx.allow, ['body', 'url'])).href;
  const fields = { url, secret: input.secret ?? null, isActive: true, consecutiveFailures: 0, disabledAt: null };
  await ctx.db.webhookConfig.upsert({
    where: { accountId: ctx.accountId },
    create: { accountId: ctx.accountId, ...fields },
    update: fields,
  });
  return { success: true as const, url };
}

export async function getWebhookConfig(ctx: ServiceContext): Promise<WebhookConfigView> {
  const config = await ctx.db.webhookConfig.findUnique({ where: { accountId: ctx.accountId } });
  if (!config) return { configured: false };
  return {
    configured: true,
    url: config.url,
    isActive: config.isActive,
    consecutiveFailures: config.consecutiveFailures,
    disabledAt: config.disabledAt,
  };
}

/** Deactivates the account webhook (kept, so a later PUT can bring it back). */
export async function deleteWebhookConfig(ctx: ServiceContext): Promise<{ success: true }> {
  await ctx.db.webhookConfig.updateMany({ where: { accountId: ctx.accountId }, data: { isActive: false } });
  return { success: true };
}
