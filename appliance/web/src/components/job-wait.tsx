import type { JobWait } from '@hearth/protocol';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

/** Why a job waits, in words: which computer is being woken, since when, and what happens if it does not answer. */
export function JobWaitExplained({ wait }: { wait: JobWait }) {
  const { t, tn, lang } = useI18n();
  const user = useUser();
  const names = new Intl.ListFormat(lang, { type: 'conjunction' }).format(wait.computers.map((c) => c.name));
  const server = t(`capability.${wait.capability}`);
  const time = (ms: number) => new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(ms);
  return (
    <div class="wait-explained stack" data-wait={wait.state} role="status">
      {wait.state === 'wake' && (
        <>
          <p>
            <strong>{t('wait.waking', { names })}</strong>
            {wait.since !== null && <> {t('wait.since', { time: time(wait.since) })}</>}
          </p>
          <p class="muted small">
            {t('wait.ifNoAnswer', {
              names,
              every: wait.retryMs < 60_000 ? tn('unit.seconds', Math.round(wait.retryMs / 1000)) : tn('unit.minutes', Math.round(wait.retryMs / 60_000)),
            })}
          </p>
        </>
      )}
      {wait.state === 'waiting' && <p>{t('wait.notOffering', { names, server })}</p>}
      {wait.state === 'none' && (
        <p>
          {t('wait.nobody', { server })} {user.role === 'admin' ? <Link href="/admin/computers">{t('wait.setUp')}</Link> : t('wait.askAdmin')}
        </p>
      )}
    </div>
  );
}
