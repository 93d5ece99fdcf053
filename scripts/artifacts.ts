import { generate } from '@graphql-codegen/cli';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { VERSION } from '../src/app.ts';
import { schema } from '../src/graphql/schema.ts';
import { buildOpenApi } from '../src/http/openapi.ts';
import { restRoutes } from '../src/http/routes.ts';
import codegenConfig from '../codegen.ts';

/** Generated files, keyed by their path relative to the repository root. */
export async function renderArtifacts(): Promise<Record<string, string>> {
  return {
    'schema/schema.graphql': `${printSchema(lexicographicSortSchema(schema))}\n`,
    'openapi/openapi.json': `${JSON.stringify(buildOpenApi(restRoutes, VERSION), null, 2)}\n`,
  };
}

/** Runs graphql-codegen without writing; returns its files keyed by relative path. */
export async function runCodegen(): Promise<Record<string, string>> {
  const outputs = (await generate({ ...codegenConfig, silent: true }, false)) as { filename: string; content: string }[];
  return Object.fromEntries(outputs.map((o) => [o.filename, o.content]));
}
