import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/i18n.js';
import { useLiveEvent } from '../../live/use-live.js';
import type { KioskLayout } from '../../types.js';
import { useResource } from '../../use-resource.js';
import type { Entity } from './smart-home.js';

type Presence = NonNullable<KioskLayout['presence']>;
interface Area {
  domains: Array<{ domain: string; entities: Entity[] }>;
}
interface PresenceState {
  mode: 'awake' | 'photos' | 'off';
  present: boolean;
  since: number;
}

/** As protocol/src/kiosk.ts DEFAULT_KIOSK_PRESENCE (no schema code in the bundle). */
const OFF: Presence = { enabled: false, entityIds: [], minOnS: 60, photosAfterS: 300, offAfterS: 900 };
/** HA's device classes for "someone is here". */
const PRESENCE_CLASSES = new Set(['motion', 'occupancy', 'presence']);

/** Which HA sensors wake the wall, how long it stays on, when it dims and sleeps; and what it does now. */
export function PresenceFields({ value, onChange }: { value: Presence | undefined; onChange(next: Presence): void }) {
  const { t } = useI18n();
  const p = value ?? OFF;
  const status = useResource<{ configured: boolean }>('/api/ha/status');
  const house = useResource<{ areas: Area[] }>(status.data?.configured ? '/api/ha/entities' : null);
  const now = useResource<PresenceState>('/api/admin/kiosk/presence');
  const [live, setLive] = useState<PresenceState | null>(null);
  useLiveEvent('kiosk.presence', setLive);
  const state = live ?? now.data;
  const sensors = (house.data?.areas ?? [])
    .flatMap((a) => a.domains)
    .filter((d) => d.domain === 'binary_sensor' || d.domain === 'input_boolean')
    .flatMap((d) => d.entities)
    .filter((e) => e.entityId.startsWith('input_boolean.') || PRESENCE_CLASSES.has(String(e.attributes.device_class)));
  // Chosen ones HA no longer lists stay visible, so they can be unticked.
  const ids = [...new Set([...sensors.map((e) => e.entityId), ...p.entityIds])];
  const nameOf = (id: string) => sensors.find((e) => e.entityId === id)?.name ?? id;
  const toggle = (id: string, on: boolean) => onChange({ ...p, entityIds: on ? [...p.entityIds, id] : p.entityIds.filter((x) => x !== id) });
  const minutes = (key: 'photosAfterS' | 'offAfterS', label: string) => (
    <div class="field">
      <label for={`presence-${key}`}>{label}</label>
      <input
        id={`presence-${key}`}
        type="number"
        min={0}
        max={1440}
        class="tile-number"
        value={p[key] / 60}
        onInput={(e) => onChange({ ...p, [key]: Math.round(e.currentTarget.valueAsNumber * 60) || 0 })}
      />
    </div>
  );
  return (
    <fieldset class="stack" id="kiosk-presence">
      <legend>{t('kiosk.presence')}</legend>
      <p class="hint">{t('kiosk.presenceIntro')}</p>
      <label class="row">
        <input type="checkbox" id="presence-enabled" checked={p.enabled} onChange={(e) => onChange({ ...p, enabled: e.currentTarget.checked })} />
        {t('kiosk.presenceEnabled')}
      </label>
      {ids.length === 0 ? (
        <p class="muted">{t('kiosk.presenceNoSensors')}</p>
      ) : (
        <ul class="plain row wrap">
          {ids.map((id) => (
            <li key={id}>
              <label class="row">
                <input type="checkbox" value={id} checked={p.entityIds.includes(id)} onChange={(e) => toggle(id, e.currentTarget.checked)} />
                {nameOf(id)}
              </label>
            </li>
          ))}
        </ul>
      )}
      <div class="row wrap end">
        <div class="field">
          <label for="presence-minOnS">{t('kiosk.presenceMinOn')}</label>
          <input
            id="presence-minOnS"
            type="number"
            min={0}
            max={3600}
            class="tile-number"
            value={p.minOnS}
            onInput={(e) => onChange({ ...p, minOnS: e.currentTarget.valueAsNumber || 0 })}
          />
        </div>
        {minutes('photosAfterS', t('kiosk.presencePhotosAfter'))}
        {minutes('offAfterS', t('kiosk.presenceOffAfter'))}
      </div>
      {state && (
        <p class="muted" data-presence-mode={state.mode}>
          {t('kiosk.presenceNow', { mode: t(`kiosk.mode.${state.mode}`), since: new Date(state.since).toLocaleTimeString() })}
        </p>
      )}
    </fieldset>
  );
}
