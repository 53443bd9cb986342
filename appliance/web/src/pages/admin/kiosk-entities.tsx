import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { ErrorNotice, Loading, Notice } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useResource } from '../../use-resource.js';
import type { Entity } from './smart-home.js';

interface KioskEntity {
  entityId: string;
  allowToggle: boolean;
}
interface Area {
  areaId: string | null;
  name: string;
  domains: Array<{ domain: string; entities: Entity[] }>;
}

/** What the kiosk may switch (appliance/src/home-assistant/service-policy.ts TOGGLEABLE_DOMAINS); the server checks again. */
const TOGGLEABLE = new Set(['light', 'switch', 'fan', 'input_boolean']);
const domainOf = (id: string) => id.slice(0, id.indexOf('.'));

/** Pick the Home Assistant entities the wall display shows, and which of them it may switch. */
export function KioskEntitiesForm() {
  const { t } = useI18n();
  const { api } = useSession();
  const current = useResource<{ entities: KioskEntity[] }>('/api/admin/kiosk/entities');
  const status = useResource<{ configured: boolean }>('/api/ha/status');
  const house = useResource<{ areas: Area[] }>(status.data?.configured ? '/api/ha/entities' : null);
  /** entityId → allowToggle, for the chosen ones; insertion order is the order saved. */
  const [chosen, setChosen] = useState<Map<string, boolean>>(new Map());
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data) setChosen(new Map(current.data.entities.map((e) => [e.entityId, e.allowToggle])));
  }, [current.data]);
  if (current.missing) return null;

  const edit = (f: (m: Map<string, boolean>) => void) => {
    setChosen((old) => {
      const next = new Map(old);
      f(next);
      return next;
    });
    setSaved(false);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const answer = await api.put<{ entities: KioskEntity[] }>('/api/admin/kiosk/entities', {
        entities: [...chosen].map(([entityId, allowToggle]) => ({ entityId, allowToggle })),
      });
      setChosen(new Map(answer.entities.map((x) => [x.entityId, x.allowToggle])));
      setSaved(true);
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    }
  };

  const known = (house.data?.areas ?? []).flatMap((a) => a.domains.flatMap((d) => d.entities.map((en) => ({ ...en, area: a.name || t('ha.noArea') }))));
  const knownIds = new Set(known.map((k) => k.entityId));
  // Chosen earlier but not in Home Assistant's answer now (renamed, or HA is down): still shown, so it can be removed.
  const rows = [...known, ...[...chosen.keys()].filter((id) => !knownIds.has(id)).map((id) => ({ entityId: id, name: id, area: t('kiosk.notInHa') }))];

  return (
    <form onSubmit={(e) => void submit(e)} class="card stack" aria-labelledby="kent-h">
      <h2 id="kent-h">{t('kiosk.entities')}</h2>
      <p class="muted">{t('kiosk.entitiesIntro')}</p>
      {status.data && !status.data.configured && (
        <p class="notice notice-info">
          {t('ha.notConfigured')} <Link href="/admin/settings">{t('admin.settings')}</Link>
        </p>
      )}
      <ErrorNotice error={current.error ?? house.error} />
      {(current.loading || house.loading) && <Loading />}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{t('kiosk.entities')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('kiosk.entity')}</th>
                <th scope="col">{t('kiosk.area')}</th>
                <th scope="col">{t('kiosk.show')}</th>
                <th scope="col">{t('kiosk.allowToggle')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const shown = chosen.has(r.entityId);
                const switchable = TOGGLEABLE.has(domainOf(r.entityId));
                return (
                  <tr key={r.entityId}>
                    <th scope="row">
                      {r.name} <span class="muted small">{r.entityId}</span>
                    </th>
                    <td>{r.area}</td>
                    <td>
                      <input
                        type="checkbox"
                        checked={shown}
                        aria-label={t('kiosk.showEntity', { name: r.name })}
                        onChange={(e) => {
                          const on = e.currentTarget.checked;
                          edit((m) => (on ? m.set(r.entityId, false) : m.delete(r.entityId)));
                        }}
                      />
                    </td>
                    <td>
                      {switchable ? (
                        <input
                          type="checkbox"
                          checked={chosen.get(r.entityId) === true}
                          disabled={!shown}
                          aria-label={t('kiosk.allowToggleEntity', { name: r.name })}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            edit((m) => m.set(r.entityId, on));
                          }}
                        />
                      ) : (
                        <span class="muted small">{t('kiosk.cannotToggle')}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {error && <ErrorNotice error={error} />}
      {saved && <Notice kind="success">{t('common.saved')}</Notice>}
      {rows.length > 0 && <button type="submit">{t('kiosk.saveEntities')}</button>}
    </form>
  );
}
