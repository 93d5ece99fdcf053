import { commandRoutes } from '../commands/command-routes.ts';
import { fileRoutes } from '../files/file-routes.ts';
import { presetRoutes } from '../presets/preset-routes.ts';
import { webhookRoutes } from '../webhooks/webhook-routes.ts';
import type { RestRoute } from './rest-route.ts';

/** Every REST route; the OpenAPI document is generated from this table. */
export const restRoutes: RestRoute[] = [...fileRoutes, ...commandRoutes, ...webhookRoutes, ...presetRoutes];
