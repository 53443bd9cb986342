import { JOB_STATUSES } from '@hearth/protocol/plain';
import { JOB_TITLES } from '@hearth/protocol/job-titles';
import type { MessageKey } from '../i18n/en.js';

/** Message keys for values that come from the server as codes. */
export const roleKey = (role: string): MessageKey => (['admin', 'member', 'child'].includes(role) ? (`role.${role}` as MessageKey) : 'common.unknown');

export const jobStatusKey = (status: string): MessageKey =>
  (JOB_STATUSES as readonly string[]).includes(status) ? (`status.${status}` as MessageKey) : 'common.unknown';

export const privacyKey = (p: string): MessageKey => (['private', 'family', 'kiosk'].includes(p) ? (`privacy.${p}` as MessageKey) : 'common.unknown');

export const moderationKey = (m: string): MessageKey => (['pending', 'safe', 'unsafe'].includes(m) ? (`moderation.${m}` as MessageKey) : 'common.unknown');

export const availabilityKey = (a: string): MessageKey => (['online', 'asleep', 'offline'].includes(a) ? (`agent.${a}` as MessageKey) : 'common.unknown');

/** A job type's human name (never its id). */
export const jobTypeKey = (type: string): MessageKey => (type in JOB_TITLES ? (`jobType.${type}` as MessageKey) : 'jobType.unknown');

/** The title to show: the one its owner typed, else the type's name in the reader's language. */
export function jobTitle(job: { type: string; title: string }, t: (key: MessageKey) => string): string {
  const fallback = (JOB_TITLES as Record<string, string>)[job.type];
  return job.title && job.title !== fallback && job.title !== job.type ? job.title : t(jobTypeKey(job.type));
}

const FIXED_STAGES = [
  'queued',
  'started',
  'starting',
  'done',
  'drawing',
  'saving',
  'loading model',
  'loading models',
  'classifying',
  'encoding',
  'fetching results',
  'uploading',
  'sampling',
  'reading the prompt',
  'decoding',
  'preparing',
  'writing',
  'rewriting',
];
const COUNTED_STAGES = ['tile', 'frame', 'panel', 'sampling step', 'uploading'];

/** A runner's progress stage ("tile 3/12", "sampling") in the reader's language; an unknown one is shown as sent. */
export function stageText(stage: string, t: (key: MessageKey, params?: Record<string, string | number>) => string): string {
  if (FIXED_STAGES.includes(stage)) return t(`stage.${stage.replaceAll(' ', '-')}` as MessageKey);
  const counted = /^([a-z ]+) (\d+)\/(\d+)$/.exec(stage);
  if (counted && COUNTED_STAGES.includes(counted[1]!)) {
    return t(`stage.${counted[1]!.replaceAll(' ', '-')}-n` as MessageKey, { n: counted[2]!, total: counted[3]! });
  }
  const queue = /^waiting in ComfyUI's queue \((\d+) ahead\)$/.exec(stage);
  if (queue) return t('stage.comfy-queue', { n: queue[1]! });
  return stage;
}

/** The appliance writes "Cancelled by <name>" when someone cancels; the name is what people need. */
export function cancelledBy(error: string | null): string | null {
  const m = /^Cancelled by (.+)$/.exec(error ?? '');
  return m ? m[1]! : null;
}
