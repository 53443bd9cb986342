import { useI18n } from '../../i18n/i18n.js';
import type { KioskTile } from '../../types.js';
import { useResource } from '../../use-resource.js';
import type { Entity } from './smart-home.js';
import { TileTitleField } from './tile-title-field.js';

type CalendarTile = Extract<KioskTile, { type: 'calendar' }>;
interface Area {
  domains: Array<{ domain: string; entities: Entity[] }>;
}

/** A calendar tile's options: its title and which of Home Assistant's calendars it shows. */
export function CalendarTileFields({ tile, id, onChange }: { tile: CalendarTile; id: string; onChange(tile: CalendarTile): void }) {
  const { t } = useI18n();
  const status = useResource<{ configured: boolean }>('/api/ha/status');
  const house = useResource<{ areas: Area[] }>(status.data?.configured ? '/api/ha/entities' : null);
  const calendars = (house.data?.areas ?? [])
    .flatMap((a) => a.domains)
    .filter((d) => d.domain === 'calendar')
    .flatMap((d) => d.entities);
  // Chosen ones HA no longer lists stay visible, so they can be unticked.
  const ids = [...new Set([...calendars.map((e) => e.entityId), ...tile.options.entityIds])];
  const nameOf = (entityId: string) => calendars.find((e) => e.entityId === entityId)?.name ?? entityId;
  const pick = (entityId: string, on: boolean) =>
    onChange({
      ...tile,
      options: { ...tile.options, entityIds: on ? [...tile.options.entityIds, entityId] : tile.options.entityIds.filter((x) => x !== entityId) },
    });
  return (
    <div class="stack">
      <TileTitleField tile={tile} id={id} onChange={onChange} />
      <fieldset class="stack" id={`${id}-calendars`}>
        <legend>{t('kiosk.calendars')}</legend>
        {ids.length === 0 ? (
          <p class="muted">{t('kiosk.calendarsNone')}</p>
        ) : (
          <ul class="plain row wrap">
            {ids.map((entityId) => (
              <li key={entityId}>
                <label class="row">
                  <input
                    type="checkbox"
                    value={entityId}
                    checked={tile.options.entityIds.includes(entityId)}
                    onChange={(e) => pick(entityId, e.currentTarget.checked)}
                  />
                  {nameOf(entityId)}
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
    </div>
  );
}
