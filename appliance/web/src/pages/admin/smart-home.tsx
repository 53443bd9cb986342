import { useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { ErrorNotice, Loading, NotAvailable } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { useLiveEvent } from '../../live/use-live.js';
import { useSession } from '../../session.js';
import { useResource } from '../../use-resource.js';

export interface Entity {
  entityId: string;
  name: string;
  state: string;
  attributes: Record<string, unknown>;
}
interface Area { id: string; name: string; entities: Entity[] }

/**
 * Accepts `{ areas: [{ areaId|id, name, entities }] }` or `{ areas: [{ …, domains: { light: [...] } }] }`:
 * the entities grouped by area (and domain), flattened per area for the cards.
 */
export function toAreas(body: unknown): Area[] {
  const raw = (body as { areas?: unknown[] } | undefined)?.areas ?? [];
  return raw.map((a) => {
    const o = a as { id?: string; areaId?: string | null; name?: string; entities?: unknown[]; domains?: Record<string, unknown[]> };
    const list = o.entities ?? Object.values(o.domains ?? {}).flat();
    return {
      id: String(o.areaId ?? o.id ?? 'none'),
      name: o.name ?? '',
      entities: list.map((e) => {
        const x = e as { entityId?: string; entity_id?: string; name?: string; state?: string; attributes?: Record<string, unknown> };
        const id = x.entityId ?? x.entity_id ?? '';
        return { entityId: id, name: x.name ?? String(x.attributes?.friendly_name ?? id), state: x.state ?? 'unknown', attributes: x.attributes ?? {} };
      }),
    };
  });
}

/** Areas → entity cards: toggles for lights and switches, sliders for brightness and temperature. */
export function SmartHomePage() {
  const { t } = useI18n();
  const status = useResource<{ connected?: boolean; state?: string; message?: string }>('/api/ha/status');
  const entities = useResource<unknown>('/api/ha/entities');
  const [areas, setAreas] = useState<Area[] | null>(null);
  const shown = areas ?? (entities.data ? toAreas(entities.data) : null);
  useLiveEvent<{ entityId: string; state: string; attributes: Record<string, unknown> }>('ha.state', (s) => {
    if (!shown) return;
    setAreas(shown.map((a) => ({ ...a, entities: a.entities.map((e) => (e.entityId === s.entityId ? { ...e, state: s.state, attributes: s.attributes } : e)) })));
  });
  if (status.missing || entities.missing) return <section><h1 tabIndex={-1}>{t('admin.smartHome')}</h1><NotAvailable /></section>;
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.smartHome')}</h1>
      {status.data && status.data.connected === false && <p class="notice notice-warning">{t('ha.disconnected')} {status.data.message ?? ''}</p>}
      <ErrorNotice error={entities.error} />
      {!shown && entities.loading && <Loading />}
      {shown?.map((a) => (
        <section key={a.id} class="stack" aria-labelledby={`area-${a.id}`}>
          <h2 id={`area-${a.id}`}>{a.name || t('ha.noArea')}</h2>
          <ul class="plain entity-grid">
            {a.entities.map((e) => <EntityCard key={e.entityId} entity={e} />)}
          </ul>
        </section>
      ))}
    </section>
  );
}

function EntityCard({ entity }: { entity: Entity }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const domain = entity.entityId.split('.')[0] ?? '';
  const call = async (service: string, data?: Record<string, unknown>) => {
    setBusy(true);
    try {
      await api.post(`/api/ha/services/${domain}/${service}`, { entityId: entity.entityId, ...(data ? { data } : {}) });
      setError(null);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const on = entity.state === 'on';
  const toggleable = ['light', 'switch', 'fan', 'input_boolean'].includes(domain);
  const brightness = typeof entity.attributes.brightness === 'number' ? Math.round((entity.attributes.brightness / 255) * 100) : null;
  const temperature = typeof entity.attributes.temperature === 'number' ? entity.attributes.temperature : null;
  const id = `ent-${entity.entityId.replace(/\W/g, '-')}`;
  return (
    <li class="card entity-card stack">
      <div class="row spread">
        <strong id={`${id}-name`}>{entity.name}</strong>
        {toggleable ? (
          <button type="button" role="switch" aria-checked={on} aria-labelledby={`${id}-name`} class={`switch${on ? ' on' : ''}`} disabled={busy || entity.state === 'unavailable'}
            onClick={() => void call('toggle')}>
            <span aria-hidden="true">{on ? t('ha.on') : t('ha.off')}</span>
          </button>
        ) : (
          <span class="muted">{entity.state}{typeof entity.attributes.unit_of_measurement === 'string' ? ` ${entity.attributes.unit_of_measurement}` : ''}</span>
        )}
      </div>
      {domain === 'light' && on && (
        <div class="field">
          <label for={`${id}-brightness`}>{t('ha.brightness')}</label>
          <input id={`${id}-brightness`} type="range" min={1} max={100} value={brightness ?? 100}
            onChange={(e) => void call('turn_on', { brightness_pct: Number(e.currentTarget.value) })} />
        </div>
      )}
      {domain === 'climate' && (
        <div class="field">
          <label for={`${id}-temp`}>{t('ha.temperature', { value: temperature ?? '–' })}</label>
          <input id={`${id}-temp`} type="range" min={Number(entity.attributes.min_temp ?? 7)} max={Number(entity.attributes.max_temp ?? 35)} step={Number(entity.attributes.target_temp_step ?? 0.5)}
            value={temperature ?? 20} onChange={(e) => void call('set_temperature', { temperature: Number(e.currentTarget.value) })} />
        </div>
      )}
      <ErrorNotice error={error} />
    </li>
  );
}
