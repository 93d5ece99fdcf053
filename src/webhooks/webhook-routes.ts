import { z } from 'zod';
import { defineRoute, type RestRoute } from '../http/rest-route.ts';
import { deleteWebhookConfig, getWebhookConfig, MAX_WEBHOOK_SECRET_LENGTH, putWebhookConfig, type WebhookConfigView } from './webhook-service.ts';

export function webhookConfigToRest(view: WebhookConfigView) {
  if (!view.configured) return { configured: false };
  return {
    configured: true,
    url: view.url,
    is_active: view.isActive,
    consecutive_failures: view.consecutiveFailures,
    disabled_at: view.disabledAt?.toISOString() ?? null,
  };
}

export const webhookRoutes: RestRoute[] = [
  defineRoute({
    method: 'PUT',
    path: '/api/v1/webhook-config',
    operationId: 'putWebhookConfig',
    summary: 'Set the account webhook (re-enables a disabled one)',
    tag: 'Webhooks',
    body: z.object({
      url: z.string().describe('http(s) URL that receives {data, timestamp} when a command ends'),
      secret: z.string().max(MAX_WEBHOOK_SECRET_LENGTH).nullish().describe('Signs each body: X-Webhook-Signature = hex HMAC-SHA256'),
    }),
    response: { status: 200, description: 'Saved.', schema: z.object({ success: z.literal(true), url: z.string() }) },
    errors: [400, 401, 422, 429],
    handle: async (ctx, { body }) => ({ body: await putWebhookConfig(ctx, body) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/webhook-config',
    operationId: 'getWebhookConfig',
    summary: 'Get the account webhook',
    tag: 'Webhooks',
    response: {
      status: 200,
      description: 'The webhook, or {configured: false}.',
      schema: z.object({
        configured: z.boolean(),
        url: z.string().optional(),
        is_active: z.boolean().optional(),
        consecutive_failures: z.number().optional(),
        disabled_at: z.string().nullable().optional(),
      }),
    },
    errors: [401, 429],
    handle: async (ctx) => ({ body: webhookConfigToRest(await getWebhookConfig(ctx)) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/webhook-config',
    operationId: 'deleteWebhookConfig',
    summary: 'Deactivate the account webhook',
    tag: 'Webhooks',
    response: { status: 200, description: 'Deactivated.', schema: z.object({ success: z.literal(true) }) },
    errors: [401, 429],
    handle: async (ctx) => ({ body: await deleteWebhookConfig(ctx) }),
  }),
];
