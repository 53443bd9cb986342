import type { GettingStartedView } from '@hearth/protocol';
import type { ApiError } from '../api.js';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';
import { useLiveEvent } from '../live/use-live.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice } from './notice.js';

/** The admin's first-run checklist: each item done from real state, hidden when all are done or dismissed. */
export function GettingStarted() {
  const { t } = useI18n();
  const { api } = useSession();
  const list = useResource<GettingStartedView>('/api/admin/getting-started');
  const [error, setError] = useState<ApiError | null>(null);
  // Computers joining or offering a server, and a first comic, change items while Home is open.
  useLiveEvent('agent', () => list.reload());
  useLiveEvent('job', (j) => {
    if (j.status === 'succeeded') list.reload();
  });
  const data = list.data;
  if (!data || data.dismissed || data.items.every((i) => i.done)) return null;
  const done = data.items.filter((i) => i.done).length;
  const dismiss = async () => {
    try {
      list.set(() => ({ ...data, dismissed: true }));
      await api.put<GettingStartedView>('/api/admin/getting-started', { dismissed: true });
    } catch (e) {
      list.set(() => data);
      setError(e as ApiError);
    }
  };
  return (
    <section class="card stack checklist" aria-labelledby="start-h">
      <div class="row spread wrap">
        <h2 id="start-h">{t('start.title')}</h2>
        <span class="muted small">{t('start.progress', { done, total: data.items.length })}</span>
      </div>
      <p class="muted small">{t('start.intro')}</p>
      <ol class="plain stack checklist-items">
        {data.items.map((item) => (
          <li key={item.id} class={item.done ? 'done' : ''} data-item={item.id} data-done={item.done ? 'yes' : 'no'}>
            <span class="check" aria-hidden="true">
              {item.done ? '✓' : '○'}
            </span>
            <div>
              {item.done ? <span>{t(`start.${item.id}`)}</span> : <Link href={item.href}>{t(`start.${item.id}`)}</Link>}
              <span class="sr-only">{item.done ? t('start.itemDone') : t('start.itemTodo')}</span>
              {!item.done && <p class="muted small">{t(`start.${item.id}.hint`)}</p>}
            </div>
          </li>
        ))}
      </ol>
      <ErrorNotice error={error} />
      <div class="row">
        <button type="button" class="small" onClick={() => void dismiss()}>
          {t('start.dismiss')}
        </button>
      </div>
    </section>
  );
}
