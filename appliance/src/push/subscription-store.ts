import type { PushKind, PushSubscriptionView } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export interface SubscriptionRow {
  id: number;
  user_id: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  lang: 'en' | 'pl';
  kinds: string;
  vapid_key: string;
  created_at: number;
  last_sent_at: number | null;
}

/** The push_subscriptions table: one row per browser, owned by the family member who turned it on. */
export class SubscriptionStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      byEndpoint: db.prepare<[string], SubscriptionRow>('SELECT * FROM push_subscriptions WHERE endpoint = ?'),
      get: db.prepare<[number], SubscriptionRow>('SELECT * FROM push_subscriptions WHERE id = ?'),
      ofUser: db.prepare<[number], SubscriptionRow>('SELECT * FROM push_subscriptions WHERE user_id = ? ORDER BY id'),
      countOfUser: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM push_subscriptions WHERE user_id = ?'),
      insert: db.prepare(
        'INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, lang, kinds, vapid_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare('UPDATE push_subscriptions SET user_id = ?, p256dh = ?, auth = ?, lang = ?, kinds = ?, vapid_key = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM push_subscriptions WHERE id = ?'),
      removeStale: db.prepare('DELETE FROM push_subscriptions WHERE vapid_key <> ?'),
      sent: db.prepare('UPDATE push_subscriptions SET last_sent_at = ? WHERE id = ?'),
    };
  }

  byEndpoint(endpoint: string): SubscriptionRow | undefined {
    return this.s.byEndpoint.get(endpoint);
  }

  get(id: number): SubscriptionRow | undefined {
    return this.s.get.get(id);
  }

  ofUser(userId: number): SubscriptionRow[] {
    return this.s.ofUser.all(userId);
  }

  countOfUser(userId: number): number {
    return this.s.countOfUser.get(userId)!.n;
  }

  /** The user's devices that asked to be told about `kind`. */
  wanting(userId: number, kind: PushKind): SubscriptionRow[] {
    return this.ofUser(userId).filter((r) => kindsOf(r).includes(kind));
  }

  /** Insert, or take over the browser's row (its endpoint) with new keys, language and owner. */
  upsert(p: { userId: number; endpoint: string; p256dh: string; auth: string; lang: 'en' | 'pl'; kinds: readonly PushKind[]; vapidKey: string; now: number }): {
    id: number;
    created: boolean;
  } {
    const existing = this.byEndpoint(p.endpoint);
    const kinds = JSON.stringify(p.kinds);
    if (existing) {
      this.s.update.run(p.userId, p.p256dh, p.auth, p.lang, kinds, p.vapidKey, existing.id);
      return { id: existing.id, created: false };
    }
    const id = Number(this.s.insert.run(p.userId, p.endpoint, p.p256dh, p.auth, p.lang, kinds, p.vapidKey, p.now).lastInsertRowid);
    return { id, created: true };
  }

  remove(id: number): boolean {
    return this.s.remove.run(id).changes === 1;
  }

  /** Subscriptions made for another VAPID key (restored without secrets) can never be delivered. */
  removeStale(vapidKey: string): number {
    return this.s.removeStale.run(vapidKey).changes;
  }

  markSent(id: number, now: number): void {
    this.s.sent.run(now, id);
  }
}

export function kindsOf(row: SubscriptionRow): PushKind[] {
  return JSON.parse(row.kinds) as PushKind[];
}

export function subscriptionView(row: SubscriptionRow): PushSubscriptionView {
  return {
    id: row.id,
    endpoint: row.endpoint,
    service: new URL(row.endpoint).host,
    lang: row.lang,
    kinds: kindsOf(row),
    createdAt: row.created_at,
    lastSentAt: row.last_sent_at,
  };
}
