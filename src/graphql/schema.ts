import { builder } from './builder.ts';
import '../files/file-graphql.ts';
import '../commands/command-graphql.ts';
import '../presets/preset-graphql.ts';
import '../webhooks/webhook-graphql.ts';

export const schema = builder.toSchema({ sortSchema: true });
