import type { KioskEntity } from '../types.js';
import { useT, type Translate } from '../i18n/i18n.js';

const ON_OFF = new Set(['on', 'off']);

/** HA's own states are words in its language; those the wall shows most are translated here. */
const WORDS = new Set(['on', 'off', 'unavailable', 'unknown']);
export const stateText = (state: string, t: Translate) => (WORDS.has(state) ? t(`state.${state}` as 'state.on') : state);

function shownState(e: KioskEntity, t: Translate): string {
  if (!e.available) return t('state.unavailable');
  const unit = e.attributes.unit_of_measurement;
  return typeof unit === 'string' ? `${e.state} ${unit}` : stateText(e.state, t);
}

/** Chosen Home Assistant entities; a switch only where the admin allowed this screen to toggle it. */
export function Entities({
  title,
  ids,
  entities,
  onToggle,
}: {
  title?: string;
  ids: string[];
  entities: Map<string, KioskEntity>;
  onToggle: (id: string) => void;
}) {
  const t = useT();
  return (
    <div class="entities" data-tile="entities">
      {title && <h2 class="tile-title">{title}</h2>}
      <ul>
        {ids.map((id) => {
          const e = entities.get(id);
          if (!e)
            return (
              <li key={id} class="entity entity-missing" data-entity={id}>
                <span class="entity-name">{id}</span>
                <span class="entity-state">{t('entities.notShared')}</span>
              </li>
            );
          const toggleable = e.allowToggle && e.available && ON_OFF.has(e.state);
          return (
            <li key={id} class={`entity entity-${e.state}`} data-entity={id}>
              <span class="entity-name">{e.name}</span>
              {toggleable ? (
                <button type="button" class="entity-toggle" aria-pressed={e.state === 'on'} onClick={() => onToggle(id)}>
                  {stateText(e.state, t)}
                </button>
              ) : (
                <span class="entity-state">{shownState(e, t)}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
