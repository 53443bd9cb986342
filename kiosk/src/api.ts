import type { KioskCalendar, KioskEntity, KioskFeed, MediaView } from './types.js';

/** The appliance said "who are you?": this screen is not (or no longer) paired. */
export class NotPaired extends Error {}
/** The appliance did not take the pairing code: `code` says why (`pairing-used`, `pairing-expired`, …). */
export class CodeRefused extends Error {
  constructor(
    readonly code: string,
    readonly retryAfterS = 0,
  ) {
    super(code);
  }
}

async function json<T>(res: Response): Promise<T> {
  if (res.status === 401) throw new NotPaired('not paired');
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(typeof body.message === 'string' ? body.message : `HTTP ${res.status}`);
  return body;
}

const get = <T>(path: string) => fetch(path, { credentials: 'same-origin', cache: 'no-store' }).then((r) => json<T>(r));

/** Everything the kiosk asks the appliance for, with its cookie session. */
export const api = {
  feed: () => get<KioskFeed>('/api/kiosk/feed'),

  /**
   * The wall's HA entities as the appliance last heard them, and whether its HA link is up now.
   * Without the Home Assistant capability the route is missing: no entities, not an error.
   */
  entities: async (): Promise<{ connected: boolean; entities: KioskEntity[] }> => {
    const res = await fetch('/api/kiosk/entities', { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 404) return { connected: true, entities: [] };
    return json<{ connected: boolean; entities: KioskEntity[] }>(res);
  },

  /** Today and the next three days; null when HA cannot say now (the tile keeps what it had). */
  forecast: async (
    entityId: string,
  ): Promise<Array<{ datetime: string; condition: string | null; temperature: number | null; templow: number | null }> | null> => {
    const res = await fetch(`/api/kiosk/forecast/${encodeURIComponent(entityId)}`, { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    if (!res?.ok) return null;
    return ((await res.json()) as { forecast: Array<{ datetime: string; condition: string | null; temperature: number | null; templow: number | null }> })
      .forecast;
  },

  /** Today's and tomorrow's events of the wall's calendars; null when HA cannot say now. */
  calendar: async (): Promise<KioskCalendar | null> => {
    const res = await fetch('/api/kiosk/calendar', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    return res?.ok ? ((await res.json()) as KioskCalendar) : null;
  },

  slides: async (): Promise<MediaView[]> => {
    const res = await fetch('/api/media?scope=kiosk&limit=100', { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 404) return [];
    return (await json<{ media: MediaView[] }>(res)).media.filter((m) => m.contentType.startsWith('image/'));
  },

  toggle: async (entityId: string, csrf: string): Promise<void> => {
    await json(
      await fetch(`/api/kiosk/entities/${encodeURIComponent(entityId)}/toggle`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-csrf-token': csrf },
      }),
    );
  },

  /** Trade a pairing code for this browser's device session. */
  pair: async (code: string): Promise<void> => {
    // A browser that still holds a session (an old pairing) must prove it with its CSRF token.
    const session = await get<{ csrfToken?: string | null }>('/api/session').catch(() => ({ csrfToken: null }));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (session.csrfToken) headers['x-csrf-token'] = session.csrfToken;
    const res = await fetch('/api/kiosk/pair', { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify({ code }) });
    if (res.status === 401) throw new CodeRefused('pairing-unknown');
    if (res.status === 410 || res.status === 429) {
      const body = (await res.json().catch(() => ({}))) as { code?: unknown };
      throw new CodeRefused(typeof body.code === 'string' ? body.code : 'pairing-unknown', Number(res.headers.get('retry-after')) || 0);
    }
    await json(res);
  },
};

export const thumbnailUrl = (id: string) => `/api/media/${id}/thumbnail?size=1920`;
