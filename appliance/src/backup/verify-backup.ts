import { join } from 'node:path';
import { sha256File } from './checksum.js';
import { BackupError } from './errors.js';
import { readManifest, type Manifest } from './manifest.js';

/** Check every file of a backup against its manifest; throws listing each mismatch. */
export async function verifyBackup(backupDir: string): Promise<Manifest> {
  const manifest = await readManifest(backupDir);
  const problems: string[] = [];
  for (const f of manifest.files) {
    try {
      const actual = await sha256File(join(backupDir, f.path));
      if (actual.size !== f.size) problems.push(`${f.path}: size ${actual.size}, manifest says ${f.size}`);
      else if (actual.sha256 !== f.sha256) problems.push(`${f.path}: checksum mismatch`);
    } catch (err) {
      problems.push(`${f.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, 20).join('\n  ');
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : '';
    throw new BackupError(`backup ${backupDir} is damaged:\n  ${shown}${more}`);
  }
  return manifest;
}
