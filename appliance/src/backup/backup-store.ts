import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isBackupName } from './backup-names.js';
import { readManifest, type Manifest } from './manifest.js';

export interface StoredBackup {
  name: string;
  dir: string;
  /** Undefined when the manifest is missing or invalid; `error` says why. */
  manifest?: Manifest;
  error?: string;
}

/** The backups under `backupRoot`, oldest first. */
export async function listBackups(backupRoot: string): Promise<StoredBackup[]> {
  let names: string[];
  try {
    names = await readdir(backupRoot);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: StoredBackup[] = [];
  for (const name of names.filter(isBackupName).sort()) {
    const dir = join(backupRoot, name);
    try {
      out.push({ name, dir, manifest: await readManifest(dir) });
    } catch (err) {
      out.push({ name, dir, error: (err as Error).message });
    }
  }
  return out;
}

/** Keep the newest `keep` backups; also clears `.partial-` leftovers of interrupted runs. */
export async function pruneBackups(backupRoot: string, keep: number): Promise<string[]> {
  const names = await readdir(backupRoot);
  for (const leftover of names.filter((n) => n.startsWith('.partial-'))) {
    await rm(join(backupRoot, leftover), { recursive: true, force: true });
  }
  const backups = names.filter(isBackupName).sort();
  const doomed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const name of doomed) await rm(join(backupRoot, name), { recursive: true, force: true });
  return doomed;
}
