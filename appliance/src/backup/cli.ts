/**
 * Hearth backups from the command line (run by hearth-backup.service nightly):
 *
 *   node --import tsx appliance/src/backup/cli.ts backup  [--data-dir D] [--dest D] [--keep N]
 *   node --import tsx appliance/src/backup/cli.ts restore <backup-folder> [--data-dir D] [--force]
 *   node --import tsx appliance/src/backup/cli.ts list    [--dest D] [--verify]
 *
 * Defaults come from HEARTH_DATA_DIR (./data), HEARTH_BACKUP_DIR (./backups), HEARTH_BACKUP_KEEP (14).
 * HEARTH_BACKUP_KEY (at least 12 characters) seals the settings' secrets (Home Assistant token,
 * session secret) into each backup and opens them on restore; without it they are left out.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createBackup } from './create-backup.js';
import { listBackups } from './backup-store.js';
import { restoreBackup } from './restore-backup.js';
import { verifyBackup } from './verify-backup.js';
import { BackupError } from './errors.js';

const USAGE = `usage: cli.ts backup  [--data-dir DIR] [--dest DIR] [--keep N]
       cli.ts restore <backup-folder> [--data-dir DIR] [--force]
       cli.ts list    [--dest DIR] [--verify]`;

class UsageError extends Error {}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<void> {
  const [command, ...rest] = argv;
  const options = {
    'data-dir': { type: 'string' },
    dest: { type: 'string' },
    keep: { type: 'string' },
    force: { type: 'boolean' },
    verify: { type: 'boolean' },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const dataDir = resolve(values['data-dir'] ?? env.HEARTH_DATA_DIR ?? 'data');
  const dest = resolve(values.dest ?? env.HEARTH_BACKUP_DIR ?? 'backups');
  const allowed: Record<string, string[]> = { backup: ['data-dir', 'dest', 'keep'], restore: ['data-dir', 'force'], list: ['dest', 'verify'] };
  if (!command || !allowed[command]) throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  const stray = Object.keys(values).find((k) => !allowed[command]!.includes(k));
  if (stray) throw new UsageError(`--${stray} does not apply to ${command}`);
  if (command !== 'restore' && positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);

  if (command === 'backup') {
    const keepText = values.keep ?? env.HEARTH_BACKUP_KEEP ?? '14';
    const keep = Number(keepText);
    if (!/^\d{1,4}$/.test(keepText) || keep < 1) throw new UsageError(`--keep must be a whole number from 1 to 9999, got "${keepText}"`);
    const result = await createBackup({ dataDir, backupRoot: dest, keep, key: env.HEARTH_BACKUP_KEY || undefined });
    const bytes = result.manifest.files.reduce((n, f) => n + f.size, 0);
    print(`backup ${result.dir}: ${result.manifest.files.length} files, ${formatBytes(bytes)} (${result.linked} media files shared with the previous backup)`);
    if (result.manifest.secrets === 'omitted') print('secrets (Home Assistant token, session secret) left out: set HEARTH_BACKUP_KEY to keep them, encrypted');
    for (const r of result.removed) print(`removed old backup ${r}`);
  } else if (command === 'restore') {
    if (positionals.length !== 1) throw new UsageError('restore needs exactly one backup folder');
    const result = await restoreBackup({ backupDir: resolve(positionals[0]!), dataDir, force: values.force ?? false, key: env.HEARTH_BACKUP_KEY || undefined });
    print(`restored ${result.manifest.files.length} files from the backup of ${result.manifest.createdAt} into ${dataDir}`);
    if (result.secrets !== 'restored') {
      const why =
        result.secrets === 'no-key'
          ? 'they are sealed in the backup: set HEARTH_BACKUP_KEY to the key it was made with and restore again to keep them'
          : 'the backup was made without HEARTH_BACKUP_KEY';
      print(`secrets NOT restored (${why}): everyone logs in again, and an admin enters the Home Assistant token again`);
    }
    if (result.previousDir) print(`the replaced files are kept in ${result.previousDir}`);
  } else {
    const backups = await listBackups(dest);
    if (!backups.length) print(`no backups in ${dest}`);
    for (const b of backups) {
      if (!b.manifest) {
        print(`${b.name}  INVALID: ${b.error}`);
        continue;
      }
      const bytes = b.manifest.files.reduce((n, f) => n + f.size, 0);
      const rows = Object.values(b.manifest.database.tables).reduce((n, c) => n + c, 0);
      let status = '';
      if (values.verify)
        status = await verifyBackup(b.dir).then(
          () => '  verified',
          (err: Error) => `  DAMAGED: ${err.message.split('\n').slice(1).join(';').trim()}`,
        );
      print(`${b.name}  ${b.manifest.createdAt}  ${b.manifest.files.length} files  ${formatBytes(bytes)}  ${rows} rows${status}`);
    }
  }
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2), process.env, (line) => console.log(line)).catch((err: Error) => {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(err instanceof BackupError ? `error: ${err.message}` : err);
      process.exitCode = 1;
    }
  });
}
