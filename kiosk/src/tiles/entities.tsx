import type { KioskEntity } from '../types.js';

const ON_OFF = new Set(['on', 'off']);

function shownState(e: KioskEntity): string {
  if (!e.available) return 'unavailable';
  const unit = e.attributes.unit_of_measurement;
  return typeof unit === 'string' ? `${e.state} ${unit}` : e.state;
}

/** Chosen Home Assistant entities; a switch only where the admin allowed this screen to toggle it. */
export function Entities({ title, ids, entities, onToggle }: { title?: string; ids: string[]; entities: Map<string, KioskEntity>; onToggle: (id: string) => void }) {
  return (
    <div class="entities" data-tile="entities">
      {title && <h2 class="tile-title">{title}</h2>}
      <ul>
        {ids.map((id) => {
          const e = entities.get(id);
          if (!e) return <li key={id} class="entity entity-missing" data-entity={id}><span class="entity-name">{id}</span><span class="entity-state">not shared with this screen</span></li>;
          const toggleable = e.allowToggle && e.available && ON_OFF.has(e.state);
          return (
            <li key={id} class={`entity entity-${e.state}`} data-entity={id}>
              <span class="entity-name">{e.name}</span>
              {toggleable
                ? <button type="button" class="entity-toggle" aria-pressed={e.state === 'on'} onClick={() => onToggle(id)}>{e.state}</button>
                : <span class="entity-state">{shownState(e)}</span>}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
