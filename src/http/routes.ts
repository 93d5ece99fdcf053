import { fileRoutes } from '../files/file-routes.ts';
import type { RestRoute } from './rest-route.ts';

/** Every REST route; the OpenAPI document is generated from this table. */
export const restRoutes: RestRoute[] = [...fileRoutes];
