import type { PushKind, PushMessage } from '@hearth/protocol';
// The portal's catalogues own every string a family member reads, notifications included.
import { en, type MessageKey } from '../../web/src/i18n/en.js';
import { pl } from '../../web/src/i18n/pl.js';
import { jobTitle } from '../../web/src/pages/labels.js';

export type PushLang = 'en' | 'pl';

function translator(lang: PushLang): (key: MessageKey, params?: Record<string, string>) => string {
  const messages: Record<MessageKey, string> = lang === 'pl' ? pl : en;
  return (key, params) => messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => params?.[name] ?? whole);
}

/** A job's notification in the recipient device's language: its human title (the type's name when none was typed). */
export function jobMessage(kind: 'jobSucceeded' | 'jobFailed', job: { id: string; type: string; title: string }, lang: PushLang): PushMessage {
  const t = translator(lang);
  const title = jobTitle(job, t);
  return {
    kind,
    title: t(`push.title.${kind}`, { title }),
    body: t(`push.body.${kind}`, { title }),
    url: `/jobs/${encodeURIComponent(job.id)}`,
    tag: `job:${job.id}`,
  };
}

/** A finished pipeline's notification: what its kind made (a comic, a story), or the generic done/failed. */
export function pipelineMessage(kind: PushKind, pipeline: { id: number; title: string }, path: string, lang: PushLang): PushMessage {
  const t = translator(lang);
  return {
    kind,
    title: t(`push.title.${kind}`, { title: pipeline.title }),
    body: t(`push.body.${kind}`, { title: pipeline.title }),
    url: path,
    tag: `pipeline:${pipeline.id}`,
  };
}
