import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { copyAndHash } from './checksum.js';
import { BackupError } from './errors.js';
import { DB_FILE, MEDIA_DIR, SETTINGS_FILE, type Manifest } from './manifest.js';
import { processesHolding } from './open-files.js';
import { inspectDatabase } from './sqlite-snapshot.js';
import { verifyBackup } from './verify-backup.js';
import { openSettings, SECRETS_FILE, settingsWithoutSecrets } from './secrets.js';

export interface RestoreOptions {
  backupDir: string;
  dataDir: string;
  /** Restore even though a process holds the live database open. */
  force?: boolean;
  /** HEARTH_BACKUP_KEY: opens the backup's sealed secrets. */
  key?: string;
  now?: () => Date;
}

export interface RestoreResult {
  manifest: Manifest;
  /**
   * settings.json's secrets: `restored` (opened with the key, or an older backup that held them),
   * `not-in-backup` (made without a key), `no-key` (sealed, but no key was given). In the last two
   * a new session secret is made (everyone logs in again) and the Home Assistant token must be entered again.
   */
  secrets: 'restored' | 'not-in-backup' | 'no-key';
  /** Where the replaced live files were moved (undefined when there were none). */
  previousDir: string | undefined;
}

/** What restore replaces in the data dir; anything else there (e.g. the private Redis) is left alone. */
const LIVE_ENTRIES = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, SETTINGS_FILE, MEDIA_DIR];

/**
 * Restore a backup into a data dir. The backup is verified first, then copied into a staging
 * folder (verified again as written), then swapped in; the replaced files are kept in
 * `.pre-restore-<time>/`. A stale `-wal` of the old database is moved aside with it, since
 * SQLite would otherwise replay it onto the restored file.
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const { backupDir, dataDir } = opts;
  const manifest = await verifyBackup(backupDir);

  const holders = await processesHolding([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`].map((f) => join(dataDir, f)));
  if (holders.length && !opts.force) {
    const who = holders.map((h) => `pid ${h.pid} (${h.command || 'unknown'})`).join(', ');
    throw new BackupError(
      `the live database in ${dataDir} is open by ${who}: stop the appliance first (sudo systemctl stop hearth-appliance), or pass --force`,
    );
  }

  const stamp = (opts.now ?? (() => new Date()))().toISOString().replace(/[-:.]/g, '');
  await mkdir(dataDir, { recursive: true, mode: 0o750 });
  const staging = join(dataDir, `.restore-${stamp}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  try {
    for (const f of manifest.files) {
      const to = join(staging, f.path);
      await mkdir(dirname(to), { recursive: true, mode: 0o750 });
      const written = await copyAndHash(join(backupDir, f.path), to, 0o600);
      if (written.sha256 !== f.sha256 || written.size !== f.size) throw new BackupError(`${f.path} changed while it was being restored`);
    }
    inspectDatabase(join(staging, DB_FILE));
    const secrets = await settleSecrets(manifest, staging, opts.key);

    let previousDir: string | undefined;
    for (const entry of LIVE_ENTRIES) {
      if (!existsSync(join(dataDir, entry))) continue;
      previousDir ??= join(dataDir, `.pre-restore-${stamp}`);
      await mkdir(previousDir, { recursive: true, mode: 0o700 });
      await rename(join(dataDir, entry), join(previousDir, entry));
    }
    for (const entry of [DB_FILE, SETTINGS_FILE, MEDIA_DIR]) {
      if (existsSync(join(staging, entry))) await rename(join(staging, entry), join(dataDir, entry));
    }
    await rm(staging, { recursive: true, force: true });
    return { manifest, previousDir, secrets };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Put the settings with their secrets in place when the key opens them; otherwise the redacted ones with a fresh session secret. */
async function settleSecrets(manifest: Manifest, staging: string, key: string | undefined): Promise<RestoreResult['secrets']> {
  const settings = join(staging, SETTINGS_FILE);
  if (!manifest.secrets || !existsSync(settings)) return 'restored';
  if (manifest.secrets === 'encrypted' && key) {
    await writeFile(settings, openSettings(await readFile(join(staging, SECRETS_FILE)), key), { mode: 0o600 });
    return 'restored';
  }
  await writeFile(settings, settingsWithoutSecrets(await readFile(settings, 'utf8')), { mode: 0o600 });
  return manifest.secrets === 'encrypted' ? 'no-key' : 'not-in-backup';
}
