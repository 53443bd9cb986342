import type { MediaModeration, MediaPrivacy, Principal } from '@hearth/protocol';

export interface Visible {
  owner_id: number | null;
  privacy: MediaPrivacy;
  moderation: MediaModeration;
}

/**
 * Who sees a media item:
 * - admins: everything;
 * - members: their own, and others' family/kiosk items unless moderation found them unsafe;
 * - children: only items moderated `safe` with privacy family or kiosk — their own uploads too,
 *   which is why a child's upload defaults to `family` and shows up once it is checked;
 * - the kiosk: `kiosk` items moderated `safe`;
 * - agents and Home Assistant: nothing here (agents fetch job inputs over their own route).
 */
export function canSee(p: Principal, m: Visible): boolean {
  if (p.kind === 'user') {
    if (p.role === 'admin') return true;
    if (p.role === 'member') return m.owner_id === p.id || (m.privacy !== 'private' && m.moderation !== 'unsafe');
    return m.moderation === 'safe' && m.privacy !== 'private';
  }
  return p.kind === 'device' && p.deviceKind === 'kiosk' && m.privacy === 'kiosk' && m.moderation === 'safe';
}

/** The same rule as SQL, for lists. */
export function visibleSql(p: Principal): { sql: string; args: unknown[] } {
  if (p.kind === 'user') {
    if (p.role === 'admin') return { sql: '1', args: [] };
    if (p.role === 'member') return { sql: "(owner_id = ? OR (privacy != 'private' AND moderation != 'unsafe'))", args: [p.id] };
    return { sql: "(moderation = 'safe' AND privacy != 'private')", args: [] };
  }
  if (p.kind === 'device' && p.deviceKind === 'kiosk') return { sql: "(privacy = 'kiosk' AND moderation = 'safe')", args: [] };
  return { sql: '0', args: [] };
}

/** Who may change or delete an item: its owner and admins. */
export function canManage(p: Principal, m: Pick<Visible, 'owner_id'>): boolean {
  return p.kind === 'user' && (p.role === 'admin' || (m.owner_id !== null && m.owner_id === p.id));
}
