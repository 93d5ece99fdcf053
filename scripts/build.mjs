// Bundles the service for `npm start`: plain Node then runs one ESM file with no TypeScript loader.
// tsx's loader runs in its own thread with its own heap, and the server's idle memory matters
// (uploads must stay under 200 MB RSS). Dependencies stay external, resolved from node_modules.
// The output sits at dist/src/ so that paths computed from a module's own URL (e.g. ../../prisma)
// resolve the same as from src/platform/.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildService() {
  const result = await build({
    write: false,
    absWorkingDir: root,
    entryPoints: { main: 'src/main.ts' },
    outdir: 'dist/src',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // Several services (bench processes, tests) may start at once: each file is written beside its
  // target and renamed over it, so a process importing the bundle never reads a half-written one.
  for (const file of result.outputFiles) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildService();
