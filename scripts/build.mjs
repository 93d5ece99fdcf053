// Bundles the service for `npm start`: plain Node then runs one ESM file with no TypeScript loader.
// tsx's loader runs in its own thread with its own heap, and the server's idle memory matters
// (uploads must stay under 200 MB RSS). Dependencies stay external, resolved from node_modules.
// The output sits at dist/src/ so that paths computed from a module's own URL (e.g. ../../prisma)
// resolve the same as from src/platform/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildService() {
  await build({
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
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildService();
