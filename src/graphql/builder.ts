import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import { valueFromASTUntyped } from 'graphql';
import type { FileUpload } from 'graphql-upload-minimal';
import type PrismaTypes from '../generated/pothos-types.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import type { Deps, ServiceContext } from '../platform/context.ts';
import { findProtoKey, PROTO_KEY_MESSAGE } from '../platform/text.ts';

export interface GraphQLContext {
  deps: Deps;
  requestId: string;
  /** Null when the request carried no valid API key; resolvers call requireService(). */
  service: ServiceContext | null;
  /** Whether the request's key is still valid (not revoked since): subscriptions ask as they run. */
  keyStillValid: () => Promise<boolean>;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    Upload: { Input: Promise<FileUpload>; Output: never };
  };
}>({
  defaultFieldNullability: false,
  plugins: [PrismaPlugin],
  prisma: {
    client: (ctx) => ctx.deps.db,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.scalarType('DateTime', {
  description: 'ISO-8601 UTC timestamp',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO-8601 string');
    return date;
  },
});

// Every transport's JSON arguments (variables over HTTP or WebSocket, literals in the query) pass here.
const jsonInput = (value: unknown) => {
  const proto = findProtoKey(value);
  if (proto) throw new TypeError(`${PROTO_KEY_MESSAGE} (at ${proto.join('.')})`);
  return value;
};

builder.scalarType('JSON', {
  serialize: (value) => value,
  parseValue: jsonInput,
  parseLiteral: (ast, variables) => jsonInput(valueFromASTUntyped(ast, variables ?? undefined)),
});
