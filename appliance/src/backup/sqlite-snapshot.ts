import { Database } from '../db/sqlite-driver.js';
import { BackupError } from './errors.js';

export interface SnapshotInfo {
  userVersion: number;
  /** Row count per table, recorded in the manifest so `list` can show what a backup holds. */
  tables: Record<string, number>;
}

/**
 * Copy a live SQLite database with SQLite's online backup API: consistent even while the
 * appliance writes, and includes what is still only in the WAL. The copy is then checked.
 */
export async function snapshotDatabase(source: string, destination: string): Promise<SnapshotInfo> {
  let db: Database;
  try {
    db = new Database(source, { fileMustExist: true });
  } catch (err) {
    throw new BackupError(`cannot open ${source}: ${(err as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(destination);
  } finally {
    db.close();
  }
  return inspectDatabase(destination);
}

/** Integrity check plus user_version and row counts; throws if the file is not a sound database. */
export function inspectDatabase(file: string): SnapshotInfo {
  const db = new Database(file, { fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new BackupError(`${file}: integrity check failed: ${String(integrity)}`);
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const tables: Record<string, number> = {};
    for (const name of names) {
      tables[name] = db
        .prepare(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`)
        .pluck()
        .get() as number;
    }
    return { userVersion, tables };
  } finally {
    db.close();
  }
}
