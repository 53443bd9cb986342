import type { GettingStartedItem, GettingStartedView } from '@hearth/protocol';
import type { Db } from '../db/database.js';
import type { KnownAgents } from '../agents/known-agents.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { NO_HOME_ASSISTANT, type HomeAssistantSettings } from '../home-assistant/settings.js';

/** Where each item is done in the portal. */
const HREF: Record<GettingStartedItem, string> = {
  invite: '/admin/users',
  computer: '/admin/devices',
  backends: '/admin/computers',
  'home-assistant': '/admin/smart-home',
  'wall-display': '/admin/devices',
  'first-comic': '/comics',
};

/**
 * The first-run checklist, computed from what exists (never ticked by hand): each item is done
 * when the thing it asks for is there, and a dismissal is remembered per admin.
 */
export class Checklist {
  private readonly stmts;

  constructor(
    db: Db,
    private readonly known: KnownAgents,
    private readonly settings: SettingsStore,
  ) {
    this.stmts = {
      people: db.prepare<[], number>('SELECT COUNT(*) FROM users').pluck(),
      kiosks: db.prepare<[], number>("SELECT COUNT(*) FROM devices WHERE kind = 'kiosk' AND revoked_at IS NULL").pluck(),
      firstComic: db.prepare<[], number>("SELECT COUNT(*) FROM jobs WHERE type IN ('comic.compose','comic.render') AND status = 'succeeded'").pluck(),
      dismissed: db.prepare<[number], number>('SELECT COUNT(*) FROM checklist_dismissals WHERE user_id = ?').pluck(),
      dismiss: db.prepare('INSERT OR REPLACE INTO checklist_dismissals (user_id, dismissed_at) VALUES (?, ?)'),
      restore: db.prepare('DELETE FROM checklist_dismissals WHERE user_id = ?'),
    };
  }

  view(userId: number): GettingStartedView {
    const known = this.known.list();
    const ha = this.settings.section<HomeAssistantSettings>('homeAssistant', NO_HOME_ASSISTANT);
    const done: Record<GettingStartedItem, boolean> = {
      invite: this.stmts.people.get()! > 1,
      computer: known.some((k) => k.gpus > 0),
      backends: known.some((k) => k.capabilities.includes('comfyui') || k.capabilities.includes('llm')),
      'home-assistant': Boolean(ha.url && ha.token),
      'wall-display': this.stmts.kiosks.get()! > 0,
      'first-comic': this.firstComicMade(),
    };
    return {
      dismissed: this.stmts.dismissed.get(userId)! > 0,
      items: (Object.keys(HREF) as GettingStartedItem[]).map((id) => ({ id, done: done[id], href: HREF[id] })),
    };
  }

  setDismissed(userId: number, dismissed: boolean, now = Date.now()): void {
    if (dismissed) this.stmts.dismiss.run(userId, now);
    else this.stmts.restore.run(userId);
  }

  /**
   * A comic is made when a comic page was laid out (`comic.compose`) or a comic document from the
   * studio was drawn (`comic.render`, the job a document's render points at) — and succeeded.
   */
  private firstComicMade(): boolean {
    return this.stmts.firstComic.get()! > 0;
  }
}
