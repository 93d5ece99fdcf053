// Regenerates the committed artifacts: schema/schema.graphql, openapi/openapi.json and the typed
// GraphQL documents of codegen.ts. test/artifacts.test.ts fails when a committed copy is stale.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderArtifacts, runCodegen } from './artifacts.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const artifacts = await renderArtifacts();
for (const [relative, content] of Object.entries(artifacts)) {
  const target = path.join(root, relative);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
  process.stdout.write(`wrote ${relative}\n`);
}
for (const [relative, content] of Object.entries(await runCodegen())) {
  const target = path.join(root, relative);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
  process.stdout.write(`wrote ${relative}\n`);
}
