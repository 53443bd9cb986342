import type { Principal } from '@hearth/protocol';
import type { Audience } from './event-hub.js';

/** Audiences shared by capabilities; each capability builds finer ones from these. */
export const isAdmin = (p: Principal) => p.kind === 'user' && p.role === 'admin';
export const isKiosk = (p: Principal) => p.kind === 'device' && p.deviceKind === 'kiosk';
export const isSignedInUser = (p: Principal) => p.kind === 'user';

export const admins: Audience = isAdmin;
export const everyone: Audience = (p) => isSignedInUser(p) || isKiosk(p);
/** The user themself and every admin. */
export const userAndAdmins =
  (userId: number | null): Audience =>
  (p) =>
    isAdmin(p) || (p.kind === 'user' && p.id === userId);
