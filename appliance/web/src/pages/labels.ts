import { JOB_STATUSES } from '@hearth/protocol/plain';
import type { MessageKey } from '../i18n/en.js';

/** Message keys for values that come from the server as codes. */
export const roleKey = (role: string): MessageKey => (['admin', 'member', 'child'].includes(role) ? (`role.${role}` as MessageKey) : 'common.unknown');

export const jobStatusKey = (status: string): MessageKey =>
  ((JOB_STATUSES as readonly string[]).includes(status) ? (`status.${status}` as MessageKey) : 'common.unknown');

export const privacyKey = (p: string): MessageKey => (['private', 'family', 'kiosk'].includes(p) ? (`privacy.${p}` as MessageKey) : 'common.unknown');

export const moderationKey = (m: string): MessageKey => (['pending', 'safe', 'unsafe'].includes(m) ? (`moderation.${m}` as MessageKey) : 'common.unknown');

export const availabilityKey = (a: string): MessageKey => (['online', 'asleep', 'offline'].includes(a) ? (`agent.${a}` as MessageKey) : 'common.unknown');
