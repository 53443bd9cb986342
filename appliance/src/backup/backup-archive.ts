import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { backupName } from './backup-names.js';
import { hashingStream } from './checksum.js';
import { listMediaFiles } from './media-files.js';
import { DB_FILE, MANIFEST_FILE, MEDIA_DIR, SETTINGS_FILE, type Manifest, type ManifestEntry } from './manifest.js';
import { BackupError } from './errors.js';
import { snapshotDatabase } from './sqlite-snapshot.js';
import { backupSettings, SECRETS_FILE } from './secrets.js';

export interface ArchiveOptions {
  /** Where the temporary database copy is made (default: the OS temp dir). */
  scratchDir?: string;
  /** HEARTH_BACKUP_KEY: seals settings.json's secrets into the archive; without it they are left out. */
  key?: string;
  now?: () => Date;
}

/**
 * Stream a backup of a live data dir as a .tar.gz (for an admin-only download). The archive
 * holds one folder laid out like a backup folder — `tar xzf` it and `restore` that folder.
 * Only the database is copied to disk first (online backup); settings and media are streamed,
 * hashed on the way, and the manifest is the archive's last entry.
 */
export async function writeBackupArchive(dataDir: string, out: Writable, opts: ArchiveOptions = {}): Promise<Manifest> {
  const dbPath = join(dataDir, DB_FILE);
  if (!existsSync(dbPath)) throw new BackupError(`${dataDir} holds no ${DB_FILE}: is it a Hearth data dir?`);
  const at = (opts.now ?? (() => new Date()))();
  const root = backupName(at);
  const scratch = await mkdtemp(join(opts.scratchDir ?? tmpdir(), 'hearth-archive-'));
  const pack = tar.pack();
  const done = pipeline(pack, createGzip(), out);
  const work = (async (): Promise<Manifest> => {
    const dbCopy = join(scratch, DB_FILE);
    const database = await snapshotDatabase(dbPath, dbCopy);
    const files: ManifestEntry[] = [];
    const add = async (path: string, from: string): Promise<void> => {
      const { size, mtime } = await stat(from);
      const h = hashingStream();
      const entry = pack.entry({ name: `${root}/${path}`, size, mode: 0o600, mtime });
      await pipeline(createReadStream(from), h.stream, entry);
      const written = h.result();
      if (written.size !== size) throw new BackupError(`${path} changed size while it was archived`);
      files.push({ path, ...written });
    };
    const addBytes = (path: string, bytes: Buffer): void => {
      pack.entry({ name: `${root}/${path}`, size: bytes.length, mode: 0o600, mtime: at }, bytes);
      files.push({ path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    };
    await add(DB_FILE, dbCopy);
    let secrets: Manifest['secrets'];
    if (existsSync(join(dataDir, SETTINGS_FILE))) {
      const stored = backupSettings(await readFile(join(dataDir, SETTINGS_FILE)), opts.key);
      secrets = stored.secrets;
      addBytes(SETTINGS_FILE, stored.redacted);
      if (stored.sealed) addBytes(SECRETS_FILE, stored.sealed);
    }
    for (const rel of await listMediaFiles(join(dataDir, MEDIA_DIR))) await add(`${MEDIA_DIR}/${rel}`, join(dataDir, MEDIA_DIR, rel));

    const manifest: Manifest = { format: 'hearth-backup', version: 1, createdAt: at.toISOString(), database, files, ...(secrets ? { secrets } : {}) };
    pack.entry({ name: `${root}/${MANIFEST_FILE}`, mode: 0o600, mtime: at }, `${JSON.stringify(manifest, null, 2)}\n`);
    pack.finalize();
    return manifest;
  })();
  try {
    // A reader that goes away (a cancelled download) ends the pipeline early: stop archiving then.
    const manifest = await Promise.race([work, done.then(() => new Promise<never>(() => undefined))]);
    await done;
    return manifest;
  } catch (err) {
    pack.destroy(err as Error);
    await Promise.allSettled([done, work]);
    throw err;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
