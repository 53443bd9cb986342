import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../http/errors.js';

const SHA256 = /^[a-f0-9]{64}$/;

export interface StagedFile {
  /** Temporary path (a dot-file, so backups skip it) until `commit` renames it into place. */
  tempPath: string;
  sha256: string;
  bytes: number;
}

/**
 * Content-addressed files under `<dataDir>/media/ab/abcdef…`. Writes go to a dot-file in the
 * same directory tree first and are renamed into place, so a crash never leaves half a file
 * under a real name (and a name always matches its bytes).
 */
export class MediaFiles {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'media');
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error('not a media id');
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Stream `source` to a temp file while hashing it; 413 past `maxBytes`. */
  async stage(source: Readable, maxBytes: number): Promise<StagedFile> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const tempPath = join(this.root, `.upload-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new HttpError(413, `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tempPath, { mode: 0o600 }));
    } catch (err) {
      await rm(tempPath, { force: true });
      throw err;
    }
    return { tempPath, sha256: hash.digest('hex'), bytes };
  }

  /** Move a staged file to its content address (a file already there has the same bytes). */
  async commit(staged: StagedFile): Promise<string> {
    const target = this.pathOf(staged.sha256);
    await mkdir(join(this.root, staged.sha256.slice(0, 2)), { recursive: true, mode: 0o700 });
    await rename(staged.tempPath, target);
    return target;
  }

  async discard(staged: StagedFile): Promise<void> {
    await rm(staged.tempPath, { force: true });
  }

  async exists(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  /** Delete files nothing refers to (left by deleted accounts, replaced artifacts) and stale temp files. */
  async sweep(referenced: Set<string>, olderThanMs = 3600_000): Promise<number> {
    let removed = 0;
    const dirs = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const d of dirs) {
      const dir = join(this.root, d.name);
      if (d.name.startsWith('.upload-') && d.isFile()) {
        if (Date.now() - (await stat(dir)).mtimeMs > olderThanMs) {
          await rm(dir, { force: true });
          removed++;
        }
        continue;
      }
      if (!d.isDirectory() || !/^[a-f0-9]{2}$/.test(d.name)) continue;
      for (const f of await readdir(dir)) {
        if (SHA256.test(f) && !referenced.has(f)) {
          await rm(join(dir, f), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
