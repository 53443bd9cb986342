import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const APPLIANCE = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(APPLIANCE, 'web/dist');
const MANIFEST = join(DIST, '.vite/manifest.json');
const LOCK = join(APPLIANCE, 'web/.build-lock');

async function newestMtime(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

async function isStale(): Promise<boolean> {
  const built = await stat(MANIFEST).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built === 0) return true;
  const sources = Math.max(
    await newestMtime(join(APPLIANCE, 'web/src')),
    await newestMtime(join(APPLIANCE, 'web/index.html')),
    await newestMtime(join(APPLIANCE, 'web/public')),
    await newestMtime(join(APPLIANCE, 'vite.config.ts')),
  );
  return sources > built;
}

/**
 * Build the portal with Vite's JS API when dist is missing or older than its sources. Test files
 * run in parallel workers, so a lock directory keeps two builds from writing dist at once.
 */
export async function ensurePortalBuilt(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      // A lock older than a build can take is left over from a killed run.
      const age = await stat(LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 60_000) await rm(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`could not take the portal build lock ${LOCK}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (await isStale()) await build({ configFile: join(APPLIANCE, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
