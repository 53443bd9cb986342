import {
  comicEtag,
  comicProblems,
  emptyComic,
  renderInputOf,
  type ComicContent,
  type ComicLayoutName,
  type ComicPrivacy,
  type ComicSummary,
  type ComicView,
  type JobView,
  type Principal,
} from '@hearth/protocol';
import type { Db } from '../db/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { MediaService } from '../media/media-service.js';
import { canSee } from '../media/visibility.js';
import type { JobService } from '../jobs/job-service.js';
import { HttpError, badRequest, conflict, notFound } from '../http/errors.js';
import { ComicStore, type ComicRow } from './comic-store.js';

type User = Extract<Principal, { kind: 'user' }>;

/** Who asked, from where: every change is audited with both, before it happens. */
export interface Actor {
  principal: Principal;
  ip: string;
}

export type SaveOutcome = { ok: true; view: ComicView } | { ok: false; current: ComicView };

export const etagOf = (row: Pick<ComicRow, 'id' | 'version'>) => comicEtag(row.id, row.version);

/** The data a finished render job returns (the agent names its artifacts by content hash). */
interface RenderData {
  pages: string[];
  pdf: string;
  cbz: string;
}

/**
 * Comics as documents: who may see and change them, validation beyond the schema, saves that
 * never overwrite someone else's newer save, the trash, and rendering through an ordinary job.
 */
export class ComicService {
  readonly store: ComicStore;

  constructor(private readonly d: { db: Db; audit: AuditLog; media: MediaService; jobs: JobService }) {
    this.store = new ComicStore(d.db);
  }

  /**
   * Who sees a comic: its owner and admins, and every family member once it is shared
   * (`family` or `kiosk`). Children see shared comics too; the pictures in them follow the
   * gallery's own rules when they are fetched.
   */
  canView(p: Principal, row: ComicRow): boolean {
    if (p.kind !== 'user') return false;
    if (row.deleted_at !== null) return this.canEdit(p, row);
    return p.role === 'admin' || row.owner_id === p.id || row.privacy !== 'private';
  }

  /** Who changes, deletes, restores and renders it: its owner and admins. */
  canEdit(p: Principal, row: ComicRow): boolean {
    return p.kind === 'user' && (p.role === 'admin' || row.owner_id === p.id);
  }

  viewable(p: Principal, id: number): ComicRow {
    const row = this.store.get(id);
    if (!row || !this.canView(p, row)) throw notFound('Comic');
    return row;
  }

  editable(p: Principal, id: number): ComicRow {
    const row = this.viewable(p, id);
    if (!this.canEdit(p, row)) throw new HttpError(403, "Only the comic's author or an admin can change it");
    return row;
  }

  view(row: ComicRow): ComicView {
    const job = row.render_job_id ? this.d.jobs.store.get(row.render_job_id) : undefined;
    const data = job?.status === 'succeeded' ? this.renderData(job.result) : null;
    return {
      ...this.store.content(row),
      id: row.id,
      version: row.version,
      ownerId: row.owner_id,
      ownerName: row.owner_name,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      deletedAt: row.deleted_at,
      render: job && row.render_version !== null ? { jobId: job.id, version: row.render_version, status: job.status, pageMediaIds: data?.pages ?? [] } : null,
    };
  }

  list(p: Principal, scope: 'mine' | 'family' | 'trash', limit: number, before?: number): ComicSummary[] {
    const user = asUser(p);
    const where = {
      mine: { where: 'c.owner_id = ? AND c.deleted_at IS NULL', args: [user.id] },
      family: { where: "c.privacy != 'private' AND c.deleted_at IS NULL", args: [] },
      trash:
        user.role === 'admin' ? { where: 'c.deleted_at IS NOT NULL', args: [] } : { where: 'c.owner_id = ? AND c.deleted_at IS NOT NULL', args: [user.id] },
    }[scope];
    return this.store.list({ ...where, limit, before }).map((r) => this.store.summary(r));
  }

  create(actor: Actor, body: { title: string; layout?: ComicLayoutName } | ComicContent): ComicView {
    const user = asUser(actor.principal);
    const content = 'pages' in body ? body : emptyComic(body.title.trim() || body.title, body.layout);
    this.check(user, content);
    const id = this.d.db.transaction(() => {
      const now = Date.now();
      this.d.audit.record({ actor: user, action: 'comics.created', ip: actor.ip, detail: { title: content.title } });
      return this.store.create(user.id, content, now);
    })();
    return this.view(this.store.get(id)!);
  }

  /** Save over version `ifMatch` names; when someone saved first, nothing is written and the current comic comes back. */
  save(actor: Actor, id: number, ifMatch: string | undefined, content: ComicContent): SaveOutcome {
    const row = this.editable(actor.principal, id);
    if (row.deleted_at !== null) throw conflict('The comic is in the trash; restore it first');
    if (!ifMatch) throw new HttpError(428, 'headers.if-match is required: send the ETag the comic came with');
    const base = parseEtag(ifMatch, id);
    if (base === null) throw badRequest('headers.if-match is not an ETag of this comic');
    if (base !== row.version) return { ok: false, current: this.view(row) };
    this.check(asUser(actor.principal), content);
    const saved = this.d.db.transaction(() => {
      this.d.audit.record({ actor: actor.principal, action: 'comics.saved', target: `comic:${id}`, ip: actor.ip, detail: { version: base + 1 } });
      if (!this.store.replace(id, base, content, Date.now())) return false;
      if (content.privacy !== row.privacy) this.sharePages(this.store.get(id)!);
      return true;
    })();
    const now = this.store.get(id)!;
    return saved ? { ok: true, view: this.view(now) } : { ok: false, current: this.view(now) };
  }

  /**
   * A change Hearth makes for someone (a pipeline filling in bubbles or pictures): audited in
   * their name, a new version like any save. Call inside the transaction that owns the change.
   */
  amend(actor: Principal, id: number, action: string, change: (content: ComicContent) => void): void {
    const row = this.store.get(id);
    if (!row || row.deleted_at !== null) throw conflict('The comic was deleted meanwhile');
    const content = this.store.content(row);
    change(content);
    const problem = comicProblems(content)[0];
    if (problem) throw badRequest(`${problem.field}: ${problem.message}`);
    this.d.audit.record({ actor, action, target: `comic:${id}`, detail: { version: row.version + 1 } });
    if (!this.store.replace(id, row.version, content, Date.now())) throw conflict('The comic changed meanwhile');
  }

  remove(actor: Actor, id: number): void {
    this.editable(actor.principal, id);
    this.d.db.transaction(() => {
      this.d.audit.record({ actor: actor.principal, action: 'comics.trashed', target: `comic:${id}`, ip: actor.ip });
      if (!this.store.trash(id, Date.now())) throw conflict('The comic is already in the trash');
    })();
  }

  restore(actor: Actor, id: number): ComicView {
    this.editable(actor.principal, id);
    this.d.db.transaction(() => {
      this.d.audit.record({ actor: actor.principal, action: 'comics.restored', target: `comic:${id}`, ip: actor.ip });
      if (!this.store.restore(id, Date.now())) throw conflict('The comic is not in the trash');
    })();
    return this.view(this.store.get(id)!);
  }

  purgeTrash(now = Date.now()): number[] {
    return this.store.purge(now);
  }

  /** Draw the comic as it is saved now: one `comic.render` job, owned by whoever asked. */
  async render(actor: Actor, id: number): Promise<JobView> {
    const row = this.editable(actor.principal, id);
    if (row.deleted_at !== null) throw conflict('The comic is in the trash; restore it first');
    const input = renderInputOf(this.store.content(row));
    // A picture deleted since the last save leaves an empty frame rather than a failed job.
    for (const page of input.pages) for (const panel of page.panels) if (panel.mediaId && !this.d.media.get(panel.mediaId)) panel.mediaId = null;
    return this.d.jobs.submit(
      actor.principal,
      { type: 'comic.render', input, title: `Comic: ${row.title}`.slice(0, 120) },
      {
        alongside: (job) => {
          this.d.audit.record({
            actor: actor.principal,
            action: 'comics.rendered',
            target: `comic:${id}`,
            ip: actor.ip,
            detail: { job: job.id, version: row.version },
          });
          this.store.setRender(id, job.id, row.version);
        },
      },
    );
  }

  /** The file of the latest finished render in the asked format. */
  exportFile(
    p: Principal,
    id: number,
    format: 'png' | 'pdf' | 'cbz',
    page: number,
  ): { mediaId: string; contentType: string; fileName: string; version: number } {
    const row = this.viewable(p, id);
    const job = row.render_job_id ? this.d.jobs.store.get(row.render_job_id) : undefined;
    const data = job?.status === 'succeeded' ? this.renderData(job.result) : null;
    if (!data || row.render_version === null) throw conflict('The comic has not been drawn yet: render it first');
    const base = fileSafe(row.title);
    if (format === 'png') {
      const mediaId = data.pages[page - 1];
      if (!mediaId) throw badRequest(`query.page must be between 1 and ${data.pages.length}`);
      return { mediaId, contentType: 'image/png', fileName: `${base}-${page}.png`, version: row.render_version };
    }
    return format === 'pdf'
      ? { mediaId: data.pdf, contentType: 'application/pdf', fileName: `${base}.pdf`, version: row.render_version }
      : { mediaId: data.cbz, contentType: 'application/vnd.comicbook+zip', fileName: `${base}.cbz`, version: row.render_version };
  }

  /**
   * Renders that finished since the last look: their pages take the comic's privacy, so a
   * family comic is in the family gallery and a kiosk comic in the (moderated) slideshow.
   */
  publishFinishedRenders(): void {
    const rows = this.d.db
      .prepare<[], { id: number }>(`SELECT c.id FROM comics c JOIN jobs j ON j.id = c.render_job_id WHERE j.status = 'succeeded' AND c.render_published = 0`)
      .all();
    for (const { id } of rows) {
      this.d.db.transaction(() => {
        this.sharePages(this.store.get(id)!);
        this.d.db.prepare('UPDATE comics SET render_published = 1 WHERE id = ?').run(id);
      })();
    }
  }

  private sharePages(row: ComicRow): void {
    const job = row.render_job_id ? this.d.jobs.store.get(row.render_job_id) : undefined;
    const data = job?.status === 'succeeded' ? this.renderData(job.result) : null;
    if (!data) return;
    for (const id of [...data.pages, data.pdf, data.cbz]) {
      const m = this.d.media.get(id);
      if (m && m.privacy !== row.privacy) this.d.media.setPrivacy(m, row.privacy as ComicPrivacy);
    }
  }

  /** The render's files, trusted only where they are among the media the job produced. */
  private renderData(result: string | null): RenderData | null {
    if (!result) return null;
    const r = JSON.parse(result) as { mediaIds: string[]; data?: Partial<RenderData> };
    const ids = new Set(r.mediaIds);
    const d = r.data;
    if (!d || !Array.isArray(d.pages) || !d.pages.every((id) => ids.has(id)) || !ids.has(d.pdf ?? '') || !ids.has(d.cbz ?? '')) return null;
    return { pages: d.pages, pdf: d.pdf!, cbz: d.cbz! };
  }

  /** 400 naming the field: the schema's blind spots, and pictures this person may not use. */
  private check(user: User, c: ComicContent): void {
    const problem = comicProblems(c)[0];
    if (problem) throw badRequest(`body.${problem.field}: ${problem.message}`);
    const pictures: Array<[string, string]> = [];
    c.characters.forEach((ch, i) => {
      if (ch.refMediaId) pictures.push([`characters.${i}.refMediaId`, ch.refMediaId]);
    });
    c.pages.forEach((page, p) =>
      page.panels.forEach((panel, n) => {
        if (panel.mediaId) pictures.push([`pages.${p}.panels.${n}.mediaId`, panel.mediaId]);
      }),
    );
    for (const [field, id] of pictures) {
      const m = this.d.media.get(id);
      // Everyone may use their own pictures (a child's upload before moderation too) and those the gallery shows them.
      const usable = m && (m.owner_id === user.id || canSee(user, m)) && m.content_type.startsWith('image/');
      if (!usable) throw badRequest(`body.${field}: the picture ${id.slice(0, 12)}… does not exist or is not yours to use`);
    }
  }
}

function asUser(p: Principal): User {
  if (p.kind !== 'user') throw new HttpError(403, 'Only family members make comics');
  return p;
}

function parseEtag(header: string, id: number): number | null {
  const m = /^(?:W\/)?"comic-(\d+)-v(\d+)"$/.exec(header.trim());
  return m && Number(m[1]) === id ? Number(m[2]) : null;
}

function fileSafe(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[^\w -]+/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 60) || 'comic'
  );
}
