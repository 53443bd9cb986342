import type { ComicContent, ComicPrivacy, ComicSummary } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export interface ComicRow {
  id: number;
  owner_id: number;
  owner_name: string;
  title: string;
  premise: string;
  privacy: ComicPrivacy;
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  render_job_id: string | null;
  render_version: number | null;
}

interface PanelRow {
  page_id: string;
  id: string;
  slot: number;
  media_id: string | null;
  crop_x: number;
  crop_y: number;
  crop_zoom: number;
  prompt: string;
  characters: string;
}

interface BubbleRow {
  panel_id: string;
  id: string;
  kind: 'speech' | 'thought' | 'caption' | 'shout';
  speaker: string;
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
  tail_x: number | null;
  tail_y: number | null;
  by_hand: number;
}

export const TRASH_DAYS = 30;
const DAY_MS = 24 * 3600_000;

const ROW_SQL = 'SELECT c.*, u.display_name AS owner_name FROM comics c JOIN users u ON u.id = c.owner_id';

/**
 * The comic tables. A save replaces the document's rows in one transaction guarded by the
 * version it was based on, so two saves from the same version cannot both win.
 */
export class ComicStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      get: db.prepare<[number], ComicRow>(`${ROW_SQL} WHERE c.id = ?`),
      insert: db.prepare('INSERT INTO comics (owner_id, title, premise, privacy, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)'),
      bump: db.prepare(
        'UPDATE comics SET title = ?, premise = ?, privacy = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND deleted_at IS NULL',
      ),
      characters: db.prepare<[number], { id: string; name: string; description: string; ref_media_id: string | null; seed: number; style: string }>(
        'SELECT id, name, description, ref_media_id, seed, style FROM comic_characters WHERE comic_id = ? ORDER BY position',
      ),
      pages: db.prepare<[number], { id: string; layout: string }>('SELECT id, layout FROM comic_pages WHERE comic_id = ? ORDER BY position'),
      panels: db.prepare<[number], PanelRow>('SELECT * FROM comic_panels WHERE comic_id = ? ORDER BY position'),
      bubbles: db.prepare<[number], BubbleRow>('SELECT * FROM comic_bubbles WHERE comic_id = ? ORDER BY position'),
      clearCharacters: db.prepare('DELETE FROM comic_characters WHERE comic_id = ?'),
      clearPages: db.prepare('DELETE FROM comic_pages WHERE comic_id = ?'),
      addCharacter: db.prepare(
        'INSERT INTO comic_characters (comic_id, id, position, name, description, ref_media_id, seed, style) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      addPage: db.prepare('INSERT INTO comic_pages (comic_id, id, position, layout) VALUES (?, ?, ?, ?)'),
      addPanel: db.prepare(`INSERT INTO comic_panels (comic_id, page_id, id, position, slot, media_id, crop_x, crop_y, crop_zoom, prompt, characters)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      addBubble: db.prepare(`INSERT INTO comic_bubbles (comic_id, panel_id, id, position, kind, speaker, text, x, y, w, h, tail_x, tail_y, by_hand)
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      trash: db.prepare('UPDATE comics SET deleted_at = ?, version = version + 1 WHERE id = ? AND deleted_at IS NULL'),
      restore: db.prepare('UPDATE comics SET deleted_at = NULL, version = version + 1, updated_at = ? WHERE id = ? AND deleted_at IS NOT NULL'),
      purge: db.prepare<[number], { id: number }>('DELETE FROM comics WHERE deleted_at IS NOT NULL AND deleted_at < ? RETURNING id'),
      setRender: db.prepare('UPDATE comics SET render_job_id = ?, render_version = ? WHERE id = ?'),
      withRenderJob: db.prepare<[string], ComicRow>(`${ROW_SQL} WHERE c.render_job_id = ?`),
      firstPicture: db.prepare<[number], { media_id: string }>(
        `SELECT p.media_id FROM comic_panels p JOIN comic_pages g ON g.comic_id = p.comic_id AND g.id = p.page_id
         WHERE p.comic_id = ? AND p.media_id IS NOT NULL ORDER BY g.position, p.position LIMIT 1`,
      ),
      pageCount: db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM comic_pages WHERE comic_id = ?'),
      exportFor: db.prepare<[number], { id: number }>('SELECT id FROM comics WHERE owner_id = ? ORDER BY id'),
    };
  }

  get(id: number): ComicRow | undefined {
    return this.s.get.get(id);
  }

  /** The whole document of a comic, in the order the editor made it. */
  content(row: ComicRow): ComicContent {
    const panels = this.s.panels.all(row.id);
    const bubbles = this.s.bubbles.all(row.id);
    return {
      title: row.title,
      premise: row.premise,
      privacy: row.privacy,
      characters: this.s.characters
        .all(row.id)
        .map((c) => ({ id: c.id, name: c.name, description: c.description, refMediaId: c.ref_media_id, seed: c.seed, style: c.style })),
      pages: this.s.pages.all(row.id).map((page) => ({
        id: page.id,
        layout: page.layout as ComicContent['pages'][number]['layout'],
        panels: panels
          .filter((p) => p.page_id === page.id)
          .map((p) => ({
            id: p.id,
            slot: p.slot,
            mediaId: p.media_id,
            crop: { x: p.crop_x, y: p.crop_y, zoom: p.crop_zoom },
            prompt: p.prompt,
            characters: JSON.parse(p.characters) as string[],
            bubbles: bubbles
              .filter((b) => b.panel_id === p.id)
              .map((b) => ({
                id: b.id,
                kind: b.kind,
                speaker: b.speaker,
                text: b.text,
                x: b.x,
                y: b.y,
                w: b.w,
                h: b.h,
                tail: b.tail_x === null || b.tail_y === null ? null : { x: b.tail_x, y: b.tail_y },
                byHand: b.by_hand === 1,
              })),
          })),
      })),
    };
  }

  /** Insert a new comic (call inside a transaction with its audit entry). */
  create(ownerId: number, content: ComicContent, now: number): number {
    const id = Number(this.s.insert.run(ownerId, content.title, content.premise, content.privacy, now, now).lastInsertRowid);
    this.writeChildren(id, content);
    return id;
  }

  /** Replace the document if it is still at `baseVersion`; false when someone saved first (or it is in the trash). */
  replace(id: number, baseVersion: number, content: ComicContent, now: number): boolean {
    if (this.s.bump.run(content.title, content.premise, content.privacy, now, id, baseVersion).changes !== 1) return false;
    this.s.clearCharacters.run(id);
    this.s.clearPages.run(id); // panels and bubbles go with their pages
    this.writeChildren(id, content);
    return true;
  }

  trash(id: number, now: number): boolean {
    return this.s.trash.run(now, id).changes === 1;
  }

  restore(id: number, now: number): boolean {
    return this.s.restore.run(now, id).changes === 1;
  }

  /** Comics in the trash for longer than TRASH_DAYS are gone for good. */
  purge(now: number): number[] {
    return this.s.purge.all(now - TRASH_DAYS * DAY_MS).map((r) => r.id);
  }

  setRender(id: number, jobId: string, version: number): void {
    this.s.setRender.run(jobId, version, id);
  }

  byRenderJob(jobId: string): ComicRow | undefined {
    return this.s.withRenderJob.get(jobId);
  }

  list(q: { where: string; args: unknown[]; limit: number; before?: number }): ComicRow[] {
    const args = [...q.args];
    let where = q.where;
    if (q.before !== undefined) {
      where += ' AND c.id < ?';
      args.push(q.before);
    }
    return this.db.prepare(`${ROW_SQL} WHERE ${where} ORDER BY c.id DESC LIMIT ?`).all(...args, q.limit) as ComicRow[];
  }

  summary(row: ComicRow): ComicSummary {
    return {
      id: row.id,
      title: row.title,
      privacy: row.privacy,
      ownerId: row.owner_id,
      ownerName: row.owner_name,
      pages: this.s.pageCount.get(row.id)!.n,
      coverMediaId: this.s.firstPicture.get(row.id)?.media_id ?? null,
      updatedAt: row.updated_at,
      deletedAt: row.deleted_at,
    };
  }

  idsOwnedBy(userId: number): number[] {
    return this.s.exportFor.all(userId).map((r) => r.id);
  }

  private writeChildren(id: number, c: ComicContent): void {
    c.characters.forEach((ch, i) => this.s.addCharacter.run(id, ch.id, i, ch.name, ch.description, ch.refMediaId, ch.seed, ch.style));
    c.pages.forEach((page, i) => {
      this.s.addPage.run(id, page.id, i, page.layout);
      page.panels.forEach((p, j) => {
        this.s.addPanel.run(id, page.id, p.id, j, p.slot, p.mediaId, p.crop.x, p.crop.y, p.crop.zoom, p.prompt, JSON.stringify(p.characters));
        p.bubbles.forEach((b, k) =>
          this.s.addBubble.run(id, p.id, b.id, k, b.kind, b.speaker, b.text, b.x, b.y, b.w, b.h, b.tail?.x ?? null, b.tail?.y ?? null, b.byHand ? 1 : 0),
        );
      });
    });
  }
}
