import { builder } from './builder.ts';
import '../files/file-graphql.ts';

export const schema = builder.toSchema({ sortSchema: true });
