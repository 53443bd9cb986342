import type { JobType, MediaModeration, MediaPrivacy, MediaView, Principal } from '@hearth/protocol';
import type { Db } from '../db/database.js';
import { visibleSql } from './visibility.js';

export interface MediaRow {
  id: string;
  /** sha256 of the bytes: the file under media/ (shared by every item with the same bytes). */
  file: string;
  owner_id: number | null;
  owner_name: string;
  content_type: string;
  width: number | null;
  height: number | null;
  bytes: number;
  privacy: MediaPrivacy;
  moderation: MediaModeration;
  job_id: string | null;
  created_at: number;
}

export type MediaScope = 'mine' | 'family' | 'kiosk';
/** Gallery filters: photos (pictures that are not comics or animations), comics, animations. */
export type MediaKind = 'photos' | 'comics' | 'animations';

const ANIMATED_JOBS = "SELECT id FROM jobs WHERE type IN ('gif.create','video.generate')";
const COMIC_JOBS = "SELECT id FROM jobs WHERE type IN ('comic.compose','comic.render')";
const KIND_SQL: Record<MediaKind, string> = {
  comics: `(content_type = 'application/pdf' OR job_id IN (${COMIC_JOBS}))`,
  animations: `(content_type = 'image/gif' OR content_type LIKE 'video/%' OR job_id IN (${ANIMATED_JOBS}))`,
  photos: `(content_type LIKE 'image/%' AND content_type != 'image/gif' AND (job_id IS NULL OR job_id NOT IN (${COMIC_JOBS} UNION ${ANIMATED_JOBS})))`,
};

/**
 * The media table: one row per item. An item's file is content-addressed; the first item with
 * given bytes has id = file, another owner's item with the same bytes gets an id of its own.
 */
export class MediaRepo {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      get: db.prepare<[string], MediaRow>('SELECT * FROM media WHERE id = ?'),
      insert: db.prepare<
        [MediaRow]
      >(`INSERT OR IGNORE INTO media (id, file, owner_id, owner_name, content_type, width, height, bytes, privacy, moderation, job_id, created_at)
                                      VALUES (@id, @file, @owner_id, @owner_name, @content_type, @width, @height, @bytes, @privacy, @moderation, @job_id, @created_at)`),
      ownedWithFile: db.prepare<[string, number | null], MediaRow>('SELECT * FROM media WHERE file = ? AND owner_id IS ? ORDER BY created_at LIMIT 1'),
      fileUsed: db.prepare<[string, string], { n: number }>(
        'SELECT (SELECT COUNT(*) FROM media WHERE file = ?) + (SELECT COUNT(*) FROM job_artifacts WHERE sha256 = ?) AS n',
      ),
      setPrivacy: db.prepare('UPDATE media SET privacy = ? WHERE id = ?'),
      setModeration: db.prepare('UPDATE media SET moderation = ? WHERE id = ? AND moderation != ?'),
      delete: db.prepare('DELETE FROM media WHERE id = ?'),
      referencedIds: db.prepare<[], { id: string }>('SELECT file AS id FROM media UNION SELECT sha256 FROM job_artifacts'),
      exportFor: db.prepare<[number], MediaRow>('SELECT * FROM media WHERE owner_id = ? ORDER BY created_at'),
      jobLabel: db.prepare<[string], { title: string; type: string }>('SELECT title, type FROM jobs WHERE id = ?'),
    };
  }

  get(id: string): MediaRow | undefined {
    return this.stmts.get.get(id);
  }

  /** `owner`'s item holding these bytes, if they have one (an upload of the same picture again). */
  ownedWithFile(file: string, ownerId: number | null): MediaRow | undefined {
    return this.stmts.ownedWithFile.get(file, ownerId);
  }

  /** Whether any item or pending artifact still uses this file. */
  fileUsed(file: string): boolean {
    return this.stmts.fileUsed.get(file, file)!.n > 0;
  }

  /** Insert unless the id exists; true when this call created the row. */
  insert(row: MediaRow): boolean {
    return this.stmts.insert.run(row).changes === 1;
  }

  list(p: Principal, q: { scope: MediaScope; kind?: MediaKind; before?: string; limit: number }): { rows: MediaRow[]; nextBefore: string | null } {
    const vis = visibleSql(p);
    const where = [vis.sql];
    const args: unknown[] = [...vis.args];
    if (q.scope === 'mine') {
      where.push('owner_id = ?');
      args.push(p.kind === 'user' ? p.id : -1);
    } else if (q.scope === 'family') {
      where.push("privacy IN ('family','kiosk')");
    } else {
      where.push("privacy = 'kiosk'");
    }
    if (q.kind) where.push(KIND_SQL[q.kind]);
    if (q.before) {
      const cursor = this.get(q.before);
      if (cursor) {
        where.push('(created_at < ? OR (created_at = ? AND id < ?))');
        args.push(cursor.created_at, cursor.created_at, cursor.id);
      }
    }
    const rows = this.db
      .prepare(`SELECT * FROM media WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...args, q.limit + 1) as MediaRow[];
    const page = rows.slice(0, q.limit);
    return { rows: page, nextBefore: rows.length > q.limit ? page[page.length - 1]!.id : null };
  }

  setPrivacy(id: string, privacy: MediaPrivacy): void {
    this.stmts.setPrivacy.run(privacy, id);
  }

  setModeration(id: string, moderation: MediaModeration): boolean {
    return this.stmts.setModeration.run(moderation, id, moderation).changes === 1;
  }

  delete(id: string): void {
    this.stmts.delete.run(id);
  }

  /** Every file something still refers to (media rows and unlinked job artifacts). */
  referencedIds(): Set<string> {
    return new Set(this.stmts.referencedIds.all().map((r) => r.id));
  }

  /** The title and type of the job that made an item (nothing for uploads). */
  jobLabel(jobId: string | null): { jobTitle: string | null; jobType: JobType | null } {
    const j = jobId ? this.stmts.jobLabel.get(jobId) : undefined;
    return { jobTitle: j?.title ?? null, jobType: (j?.type as JobType | undefined) ?? null };
  }

  exportFor(userId: number): MediaView[] {
    return this.stmts.exportFor.all(userId).map(toMediaView);
  }
}

export function toMediaView(r: MediaRow): MediaView {
  return {
    id: r.id,
    contentType: r.content_type,
    width: r.width,
    height: r.height,
    bytes: r.bytes,
    privacy: r.privacy,
    moderation: r.moderation,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    jobId: r.job_id,
    createdAt: r.created_at,
  };
}
