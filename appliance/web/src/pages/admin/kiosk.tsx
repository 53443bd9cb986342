import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { Field } from '../../components/field.js';
import { ErrorNotice, Loading, NotAvailable, Notice } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { useLiveEvent, useResync } from '../../live/use-live.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import type { KioskControl } from '../../types.js';
import { useResource } from '../../use-resource.js';
import { KioskEntitiesForm } from './kiosk-entities.js';
import { KioskLayoutForm } from './kiosk-layout.js';

/** The pages the kiosk can show (kiosk/src/app.tsx: the tile grid, or full-screen photos). */
const PAGES = ['home', 'photos'] as const;

/** Admin → Wall display: what it shows now, its layout, and the smart-home entities it may show. */
export function KioskPage() {
  const { t } = useI18n();
  const control = useResource<KioskControl>('/api/admin/kiosk/control');
  useResync(() => control.reload());
  if (control.missing)
    return (
      <section>
        <h1 tabIndex={-1}>{t('admin.kiosk')}</h1>
        <NotAvailable />
      </section>
    );
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.kiosk')}</h1>
      <p>
        {t('kiosk.pairHint')} <Link href="/admin/devices">{t('kiosk.pairLink')}</Link>
      </p>
      <ErrorNotice error={control.error} />
      {control.data ? <ControlForm initial={control.data} /> : control.loading && <Loading />}
      <KioskEntitiesForm />
      <KioskLayoutForm />
    </section>
  );
}

/** Night mode and page by hand; Home Assistant may change them too, so they follow the live stream. */
function ControlForm({ initial }: { initial: KioskControl }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [control, setControl] = useState(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  // Live events are the newest truth: an answer to our own change that arrives after one is stale.
  const updates = useRef(0);
  useEffect(() => setControl(initial), [initial]);
  useLiveEvent('kiosk.control', (c) => {
    updates.current++;
    setControl(c);
  });
  const change = async (next: Partial<KioskControl>) => {
    setSaved(false);
    const asked = ++updates.current;
    try {
      const answer = await api.put<KioskControl>('/api/admin/kiosk/control', next);
      if (updates.current === asked) setControl(answer);
      setSaved(true);
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form class="card stack" aria-labelledby="kctl-h" onSubmit={(e) => e.preventDefault()}>
      <h2 id="kctl-h">{t('kiosk.controls')}</h2>
      <div class="row wrap end">
        <label class="row">
          <input type="checkbox" checked={control.nightMode} onChange={(e) => void change({ nightMode: e.currentTarget.checked })} />
          {t('kiosk.nightMode')}
        </label>
        <Field id="kiosk-page" label={t('kiosk.page')}>
          <select id="kiosk-page" value={control.page} onChange={(e) => void change({ page: e.currentTarget.value })}>
            {PAGES.map((p) => (
              <option key={p} value={p}>
                {t(p === 'home' ? 'kiosk.pageHome' : 'kiosk.pagePhotos')}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorNotice error={error} />
      {saved && <Notice kind="success">{t('common.saved')}</Notice>}
    </form>
  );
}
