import { existsSync } from 'node:fs';
import { chmod, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { copyAndHash, sha256File } from './checksum.js';
import { BackupError } from './errors.js';
import { listMediaFiles } from './media-files.js';
import { DB_FILE, MANIFEST_FILE, MEDIA_DIR, SETTINGS_FILE, type Manifest, type ManifestEntry } from './manifest.js';
import { backupName } from './backup-names.js';
import { listBackups, pruneBackups } from './backup-store.js';
import { snapshotDatabase } from './sqlite-snapshot.js';
import { backupSettings, checkBackupKey, SECRETS_FILE } from './secrets.js';

export interface CreateBackupOptions {
  dataDir: string;
  backupRoot: string;
  /** How many backups to keep, this one included. */
  keep: number;
  /** HEARTH_BACKUP_KEY: seals settings.json's secrets into the backup; without it they are left out. */
  key?: string;
  now?: () => Date;
}

export interface CreatedBackup {
  dir: string;
  manifest: Manifest;
  /** Media files hard-linked from the previous backup instead of copied. */
  linked: number;
  removed: string[];
}

/**
 * Back up a data dir into `<backupRoot>/hearth-<UTC time>/`: the database (online copy),
 * settings.json and media, with a manifest of checksums. Built in a `.partial-` folder and
 * renamed when complete, so a crash never leaves a backup that looks whole.
 */
export async function createBackup(opts: CreateBackupOptions): Promise<CreatedBackup> {
  const { dataDir, backupRoot, keep } = opts;
  if (!Number.isInteger(keep) || keep < 1) throw new BackupError(`keep must be a whole number >= 1, got ${keep}`);
  if (opts.key !== undefined) checkBackupKey(opts.key);
  const dbPath = join(dataDir, DB_FILE);
  if (!existsSync(dbPath)) throw new BackupError(`${dataDir} holds no ${DB_FILE}: is it a Hearth data dir?`);
  await mkdir(backupRoot, { recursive: true, mode: 0o700 });

  const at = (opts.now ?? (() => new Date()))();
  let name = backupName(at);
  for (let n = 2; existsSync(join(backupRoot, name)); n++) name = `${backupName(at)}-${n}`;
  const dir = join(backupRoot, name);
  const work = join(backupRoot, `.partial-${name}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { mode: 0o700 });

  try {
    const files: ManifestEntry[] = [];
    const db = await snapshotDatabase(dbPath, join(work, DB_FILE));
    await chmod(join(work, DB_FILE), 0o600);
    files.push({ path: DB_FILE, ...(await sha256File(join(work, DB_FILE))) });

    const settings = join(dataDir, SETTINGS_FILE);
    let secrets: Manifest['secrets'];
    if (existsSync(settings)) {
      const stored = backupSettings(await readFile(settings), opts.key);
      secrets = stored.secrets;
      files.push({ path: SETTINGS_FILE, ...(await writeAndHash(join(work, SETTINGS_FILE), stored.redacted)) });
      if (stored.sealed) files.push({ path: SECRETS_FILE, ...(await writeAndHash(join(work, SECRETS_FILE), stored.sealed)) });
    }

    // Media is content-addressed: a path present in the previous backup with the same size holds
    // the same bytes, so it is hard-linked (no second copy on the SD card) and re-hashed.
    const previous = (await listBackups(backupRoot)).at(-1);
    const previousFiles = new Map(previous?.manifest?.files.map((f) => [f.path, f]) ?? []);
    let linked = 0;
    for (const rel of await listMediaFiles(join(dataDir, MEDIA_DIR))) {
      const path = `${MEDIA_DIR}/${rel}`;
      const from = join(dataDir, MEDIA_DIR, rel);
      const to = join(work, path);
      await mkdir(dirname(to), { recursive: true, mode: 0o700 });
      const prior = previousFiles.get(path);
      if (previous && prior && prior.size === (await stat(from)).size && (await tryLink(join(previous.dir, path), to))) {
        files.push({ path, ...(await sha256File(to)) });
        linked++;
      } else {
        files.push({ path, ...(await copyAndHash(from, to)) });
      }
    }

    const manifest: Manifest = { format: 'hearth-backup', version: 1, createdAt: at.toISOString(), database: db, files, ...(secrets ? { secrets } : {}) };
    await writeFile(join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await rename(work, dir);
    const removed = await pruneBackups(backupRoot, keep);
    return { dir, manifest, linked, removed };
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

async function tryLink(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch {
    return false;
  }
}

async function writeAndHash(to: string, bytes: Buffer): Promise<{ sha256: string; size: number }> {
  await writeFile(to, bytes, { mode: 0o600, flag: 'wx' });
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
