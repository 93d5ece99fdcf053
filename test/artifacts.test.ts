import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { renderArtifacts, runCodegen } from '../scripts/artifacts.ts';
import { restRoutes } from '../src/http/routes.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const committed = (relative: string) => readFile(path.join(root, relative), 'utf8');
const STALE = 'is stale: run `npm run generate` and commit the result';

describe('committed generated artifacts', () => {
  it('schema/schema.graphql and openapi/openapi.json match the code', async () => {
    for (const [relative, content] of Object.entries(await renderArtifacts())) {
      expect(await committed(relative), `${relative} ${STALE}`).toBe(content);
    }
  });

  it('the typed GraphQL documents (codegen.ts output) match the schema and the tests', async () => {
    for (const [relative, content] of Object.entries(await runCodegen())) {
      expect(await committed(relative), `${relative} ${STALE}`).toBe(content);
    }
  });

  it('openapi.json is a valid OpenAPI 3.1 document covering every REST route', async () => {
    const spec = JSON.parse(await committed('openapi/openapi.json'));
    await SwaggerParser.validate(structuredClone(spec));
    expect(spec.openapi).toBe('3.1.0');
    for (const route of restRoutes) {
      const pathKey = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const operation = spec.paths[pathKey]?.[route.method.toLowerCase()];
      expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining([String(route.response.status), '500', '503']));
    }
  });
});
