import { unauthorized } from '../platform/errors.ts';
import type { ServiceContext } from '../platform/context.ts';
import type { GraphQLContext } from './builder.ts';

export function requireService(ctx: GraphQLContext): ServiceContext {
  if (!ctx.service) throw unauthorized();
  return ctx.service;
}
