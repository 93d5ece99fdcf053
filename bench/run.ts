// `npm run bench [-- name... --flag=value...]`: runs every bench script (each top-level .ts in bench/
// except this one), one after another, each in its own process so one bench's memory cannot skew the
// next. Names pick a subset; flags are passed to every script. Exits non-zero when any bench failed.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const wanted = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));

const all = readdirSync(benchDir)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts')
  .map((name) => name.slice(0, -'.ts'.length))
  .sort();
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length) {
  console.error(`No such bench: ${unknown.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? all.filter((name) => wanted.includes(name)) : all;

const failed: string[] = [];
for (const name of selected) {
  console.log(`\n=== bench/${name}.ts ${flags.join(' ')}`.trimEnd());
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, `${name}.ts`), ...flags], {
      cwd: path.dirname(benchDir),
      stdio: 'inherit',
    });
    child.once('error', (err) => {
      console.error(err);
      resolve(1);
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`=== bench/${name}.ts ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${minutes} min`);
  if (code !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
