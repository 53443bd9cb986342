/**
 * `npm run bench [-- name…]`: runs the benchmarks one after another (all, or the named ones),
 * each in its own process so one's load does not colour the next. Every benchmark prints its own
 * figures and the ratio against its anchor; results are recorded in docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const all = (await readdir(here, { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from: ${all.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n=== bench/${name} ===`);
  const code = await new Promise<number | null>((resolve) =>
    spawn(process.execPath, ['--import', 'tsx', `bench/${name}/run.ts`], { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) }).once(
      'exit',
      resolve,
    ),
  );
  if (code !== 0) {
    console.error(`bench/${name} exited with ${code}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
