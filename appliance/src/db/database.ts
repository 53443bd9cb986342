import { Database } from './sqlite-driver.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database;

/** SQLite's page cache when the caller does not choose: 8 MiB, set explicitly rather than left to the build's default. */
export const DEFAULT_CACHE_MIB = 8;

/**
 * Open (creating if needed) the appliance's SQLite file with WAL and foreign keys, and migrate it.
 * Memory is bounded: a page cache of `cacheMiB`, temporary tables in files, a capped mmap.
 */
export function openDatabase(file: string, { cacheMiB = DEFAULT_CACHE_MIB }: { cacheMiB?: number } = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  // A negative cache_size is in KiB.
  db.pragma(`cache_size = -${Math.round(cacheMiB * 1024)}`);
  db.pragma('temp_store = FILE');
  db.pragma('mmap_size = 0');
  migrate(db);
  return db;
}

/** Apply numbered migrations in order, each in its own transaction; `user_version` records the last one. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
