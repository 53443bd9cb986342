/**
 * Test data for the backup tests: a live data dir with a WAL-mode database, settings.json and
 * media files, plus helpers that dump everything for exact comparison.
 */
import { Database } from '../db/sqlite-driver.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listMediaFiles } from './media-files.js';

/**
 * Generic tables for exercising the backup mechanism (WAL contents, blobs, unicode). The round
 * trip on the appliance's real schema is appliance/test/backup-restore.test.ts.
 */
export function applySchema(db: Database): void {
  db.exec(`
    CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, role TEXT NOT NULL, avatar BLOB);
    CREATE TABLE sessions (sid TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), expires_at INTEGER NOT NULL);
    CREATE TABLE jobs (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), type TEXT NOT NULL, status TEXT NOT NULL, input TEXT NOT NULL, progress REAL);
    CREATE TABLE media (sha256 TEXT PRIMARY KEY, mime TEXT NOT NULL, size INTEGER NOT NULL, job_id INTEGER REFERENCES jobs(id));
  `);
  db.pragma('user_version = 7');
}

/** Open a database the way the appliance does (WAL, no automatic checkpoints so rows stay in the WAL). */
export function openLiveDatabase(file: string): Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('wal_autocheckpoint = 0');
  return db;
}

export function fillDatabase(db: Database, rows: number, offset = 0): void {
  const user = db.prepare('INSERT INTO users (id, username, role, avatar) VALUES (?, ?, ?, ?)');
  const session = db.prepare('INSERT INTO sessions (sid, user_id, expires_at) VALUES (?, ?, ?)');
  const job = db.prepare('INSERT INTO jobs (id, user_id, type, status, input, progress) VALUES (?, ?, ?, ?, ?, ?)');
  const media = db.prepare('INSERT INTO media (sha256, mime, size, job_id) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = offset; i < offset + rows; i++) {
      user.run(i + 1, `user-${i}`, i % 3 === 0 ? 'child' : 'member', randomBytes(64));
      session.run(randomBytes(16).toString('hex'), i + 1, Date.now() + i);
      job.run(i + 1, i + 1, 'image.upscale', i % 2 ? 'succeeded' : 'queued', JSON.stringify({ scale: 4, note: `ünïcode ${i}` }), i / 7);
      media.run(createHash('sha256').update(String(i)).digest('hex'), 'image/png', 1000 + i, i + 1);
    }
  })();
}

/** Media files content-addressed the way the appliance stores them: media/ab/<sha256>. */
export async function writeMedia(dataDir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const bytes = randomBytes(1000 + i * 997);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await mkdir(join(dataDir, 'media', sha.slice(0, 2)), { recursive: true });
    await writeFile(join(dataDir, 'media', sha.slice(0, 2), sha), bytes);
  }
}

export async function writeSettings(dataDir: string): Promise<void> {
  const settings = { homeAssistant: { url: 'http://ha.local:8123', token: randomBytes(24).toString('hex') }, kiosk: { layout: ['clock', 'gallery'] } };
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify(settings), { mode: 0o600 });
}

/** Every row of every table, ordered, plus user_version: equal dumps mean equal databases. */
export function dumpDatabase(file: string): unknown {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
    return {
      userVersion: db.pragma('user_version', { simple: true }),
      tables: tables.map((t) => ({ ...t, rows: db.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).raw().all() })),
    };
  } finally {
    db.close();
  }
}

/** Relative path -> bytes of settings.json and every media file. */
export async function dumpFiles(dataDir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  out.set('settings.json', await readFile(join(dataDir, 'settings.json')));
  for (const rel of await listMediaFiles(join(dataDir, 'media'))) out.set(`media/${rel}`, await readFile(join(dataDir, 'media', rel)));
  return out;
}
