import { JOB_TYPES, type JobType, type UserRole } from '@hearth/protocol';
import { DEFAULT_JOB_SETTINGS, type JobSettings } from '../settings/schema.js';

/**
 * Who may submit which job type:
 * - admins: every type;
 * - members: every type but `image.moderate` (Hearth runs moderation itself, on every upload);
 * - children: the built-in, offline types (upscale, GIF, comic) and narrated stories — no
 *   free-text image generation, whose output cannot be checked before a child sees it. A child's
 *   story is always written for a child (see `inputForRole`); its pictures are their own photos.
 * Devices submit only through presets; Hearth's own moderation jobs skip these rules.
 */
export function roleMaySubmit(role: UserRole, type: JobType): boolean {
  if (role === 'admin') return true;
  if (type === 'image.moderate') return false;
  if (role === 'member') return true;
  return JOB_TYPES[type].capability === 'builtin' || CHILD_STORY_TYPES.has(type);
}

const CHILD_STORY_TYPES = new Set<JobType>(['text.story', 'audio.speak', 'video.compose']);

/** What the role decides whatever the body said: a child's story is for a child. */
export function inputForRole(role: UserRole, type: JobType, input: Record<string, unknown>): Record<string, unknown> {
  return type === 'text.story' && role === 'child' ? { ...input, audience: 'child' } : input;
}

export interface Quota {
  limit: number | null;
  used: number;
  remaining: number | null;
  resetsAt: number;
}

/** Start of the appliance's local day, and the next one (quotas count per local calendar day). */
export function dayBounds(now: number): { start: number; end: number } {
  const d = new Date(now);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  return { start, end };
}

export function quotaFor(settings: JobSettings | undefined, role: UserRole, used: number, now: number): Quota {
  const limit = (settings ?? DEFAULT_JOB_SETTINGS).quotas[role];
  return { limit, used, remaining: limit === null ? null : Math.max(0, limit - used), resetsAt: dayBounds(now).end };
}
