import { useRef, useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { ErrorNotice, Loading, NotAvailable } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { useLiveEvent, useResync } from '../../live/use-live.js';
import { useSession } from '../../session.js';
import { Link } from '../../router.js';
import { useResource } from '../../use-resource.js';

export interface Entity {
  entityId: string;
  name: string;
  state: string;
  attributes: Record<string, unknown>;
  controllable: boolean;
}
interface Area {
  areaId: string | null;
  name: string;
  domains: Array<{ domain: string; entities: Entity[] }>;
}
interface Status {
  configured: boolean;
  state: string;
  lastError: string | null;
}

/** Areas → entity cards: toggles for lights and switches, sliders for brightness and temperature. */
export function SmartHomePage() {
  const { t } = useI18n();
  const status = useResource<Status>('/api/ha/status');
  const entities = useResource<{ areas: Area[] }>(status.data?.configured ? '/api/ha/entities' : null);
  useResync(() => entities.reload());
  const [changed, setChanged] = useState<Record<string, Pick<Entity, 'state' | 'attributes'>>>({});
  const update = (s: Pick<Entity, 'entityId' | 'state' | 'attributes'>) =>
    setChanged((c) => ({ ...c, [s.entityId]: { state: s.state, attributes: s.attributes } }));
  // Live events are the newest truth: a service call's answer that arrives after one is stale.
  const liveEvents = useRef(0);
  useLiveEvent('ha.state', (s) => {
    liveEvents.current++;
    update(s);
  });
  const sinceNow = () => {
    const at = liveEvents.current;
    return () => liveEvents.current === at;
  };
  if (status.missing || entities.missing)
    return (
      <section>
        <h1 tabIndex={-1}>{t('admin.smartHome')}</h1>
        <NotAvailable />
      </section>
    );
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.smartHome')}</h1>
      {status.data && !status.data.configured && (
        <p class="notice notice-info">
          {t('ha.notConfigured')} <Link href="/admin/settings">{t('admin.settings')}</Link>
        </p>
      )}
      {status.data?.configured && status.data.state !== 'connected' && (
        <p class="notice notice-warning">
          {t('ha.disconnected')} {status.data.lastError ?? ''}
        </p>
      )}
      <ErrorNotice error={status.error ?? entities.error} />
      {(status.loading || entities.loading) && <Loading />}
      {entities.data?.areas.map((a, i) => (
        <section key={a.areaId ?? 'none'} class="stack" aria-labelledby={`area-${i}`}>
          <h2 id={`area-${i}`}>{a.name || t('ha.noArea')}</h2>
          <ul class="plain entity-grid">
            {a.domains
              .flatMap((d) => d.entities)
              .map((e) => (
                <EntityCard key={e.entityId} entity={{ ...e, ...changed[e.entityId] }} onStates={(states) => states.forEach(update)} sinceNow={sinceNow} />
              ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function EntityCard({ entity, onStates, sinceNow }: { entity: Entity; onStates(states: Entity[]): void; sinceNow(): () => boolean }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const domain = entity.entityId.split('.')[0] ?? '';
  const call = async (service: string, data?: Record<string, unknown>) => {
    setBusy(true);
    const nothingNewer = sinceNow();
    try {
      const answer = await api.post<{ states: Entity[] }>(`/api/ha/services/${domain}/${service}`, { entityId: entity.entityId, ...(data ? { data } : {}) });
      if (nothingNewer()) onStates(answer.states);
      setError(null);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const on = entity.state === 'on';
  const toggleable = entity.controllable && ['light', 'switch', 'fan', 'input_boolean'].includes(domain);
  const brightness = typeof entity.attributes.brightness === 'number' ? Math.round((entity.attributes.brightness / 255) * 100) : null;
  const temperature = typeof entity.attributes.temperature === 'number' ? entity.attributes.temperature : null;
  const id = `ent-${entity.entityId.replace(/\W/g, '-')}`;
  return (
    <li class="card entity-card stack">
      <div class="row spread">
        <strong id={`${id}-name`}>{entity.name}</strong>
        {toggleable ? (
          <button
            type="button"
            role="switch"
            aria-checked={on}
            aria-labelledby={`${id}-name`}
            class={`switch${on ? ' on' : ''}`}
            disabled={busy || entity.state === 'unavailable'}
            onClick={() => void call('toggle')}
          >
            <span aria-hidden="true">{on ? t('ha.on') : t('ha.off')}</span>
          </button>
        ) : (
          <span class="muted">
            {entity.state}
            {typeof entity.attributes.unit_of_measurement === 'string' ? ` ${entity.attributes.unit_of_measurement}` : ''}
          </span>
        )}
      </div>
      {entity.controllable && domain === 'light' && on && (
        <div class="field">
          <label for={`${id}-brightness`}>{t('ha.brightness')}</label>
          <input
            id={`${id}-brightness`}
            type="range"
            min={1}
            max={100}
            value={brightness ?? 100}
            onChange={(e) => void call('turn_on', { brightness_pct: Number(e.currentTarget.value) })}
          />
        </div>
      )}
      {entity.controllable && domain === 'climate' && (
        <div class="field">
          <label for={`${id}-temp`}>{t('ha.temperature', { value: temperature ?? '–' })}</label>
          <input
            id={`${id}-temp`}
            type="range"
            min={Number(entity.attributes.min_temp ?? 7)}
            max={Number(entity.attributes.max_temp ?? 35)}
            step={Number(entity.attributes.target_temp_step ?? 0.5)}
            value={temperature ?? 20}
            onChange={(e) => void call('set_temperature', { temperature: Number(e.currentTarget.value) })}
          />
        </div>
      )}
      <ErrorNotice error={error} />
    </li>
  );
}
