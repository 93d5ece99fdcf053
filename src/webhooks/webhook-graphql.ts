import { builder } from '../graphql/builder.ts';
import { requireService } from '../graphql/service-context.ts';
import { deleteWebhookConfig, getWebhookConfig, putWebhookConfig, type WebhookConfigView } from './webhook-service.ts';

const WebhookConfigRef = builder.objectRef<WebhookConfigView>('WebhookConfig').implement({
  description: 'The account webhook: POSTed {data, timestamp} when a command ends.',
  fields: (t) => ({
    configured: t.exposeBoolean('configured'),
    url: t.string({ nullable: true, resolve: (c) => c.url ?? null }),
    isActive: t.boolean({ nullable: true, resolve: (c) => c.isActive ?? null }),
    consecutiveFailures: t.int({ nullable: true, resolve: (c) => c.consecutiveFailures ?? null }),
    disabledAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.disabledAt ?? null }),
  }),
});

builder.queryFields((t) => ({
  webhookConfig: t.field({ type: WebhookConfigRef, resolve: (_root, _args, ctx) => getWebhookConfig(requireService(ctx)) }),
}));

builder.mutationFields((t) => ({
  setWebhookConfig: t.field({
    type: WebhookConfigRef,
    description: 'Sets the account webhook; re-enables one that was disabled after failures.',
    args: { url: t.arg.string({ required: true }), secret: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const service = requireService(ctx);
      await putWebhookConfig(service, { url: args.url, secret: args.secret });
      return getWebhookConfig(service);
    },
  }),
  deleteWebhookConfig: t.boolean({
    description: 'Deactivates the account webhook.',
    resolve: async (_root, _args, ctx) => (await deleteWebhookConfig(requireService(ctx))).success,
  }),
}));
