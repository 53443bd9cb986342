import { Database } from './sqlite-driver.js';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database;

/** SQLite's page cache when the caller does not choose: 8 MiB, set explicitly rather than left to the build's default. */
export const DEFAULT_CACHE_MIB = 8;

/**
 * Open (creating if needed) the appliance's SQLite file with WAL and foreign keys, and migrate it.
 * Memory is bounded: a page cache of `cacheMiB`, temporary tables in files, no mmap.
 */
export function openDatabase(file: string, { cacheMiB = DEFAULT_CACHE_MIB }: { cacheMiB?: number } = {}): Db {
  if (file === ':memory:') return configure(new Database(file), cacheMiB);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Password hashes and session ids live here: the file, its WAL and its shared memory are the
  // owner's alone. The umask covers files SQLite creates now; chmod fixes ones an older version made.
  const previous = setUmask(0o077);
  let db: Db;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
  } finally {
    if (previous !== undefined) setUmask(previous);
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  return configure(db, cacheMiB);
}

/** The previous umask; undefined where it cannot be set (worker threads), leaving the chmod below to do it. */
function setUmask(mask: number): number | undefined {
  try {
    return process.umask(mask);
  } catch {
    return undefined;
  }
}

function configure(db: Db, cacheMiB: number): Db {
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
