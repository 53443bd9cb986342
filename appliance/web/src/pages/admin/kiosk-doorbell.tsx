import { useI18n } from '../../i18n/i18n.js';
import type { KioskLayout } from '../../types.js';

type Doorbell = NonNullable<KioskLayout['doorbell']>;

/** The doorbell entity, its camera and how long the wall shows it; both empty = no doorbell. */
export function DoorbellFields({ value, onChange }: { value: Doorbell | undefined; onChange(next: Doorbell | undefined): void }) {
  const { t } = useI18n();
  const d = value ?? { entityId: '', cameraEntityId: '', showS: 30 };
  const set = (next: Doorbell) => onChange(next.entityId === '' && next.cameraEntityId === '' ? undefined : next);
  return (
    <fieldset class="stack" id="kiosk-doorbell">
      <legend>{t('kiosk.doorbell')}</legend>
      <p class="hint">{t('kiosk.doorbellIntro')}</p>
      <div class="row wrap end">
        <div class="field">
          <label for="doorbell-entity">{t('kiosk.doorbellEntity')}</label>
          <input
            id="doorbell-entity"
            value={d.entityId}
            placeholder="event.front_doorbell"
            onInput={(e) => set({ ...d, entityId: e.currentTarget.value.trim() })}
          />
        </div>
        <div class="field">
          <label for="doorbell-camera">{t('kiosk.doorbellCamera')}</label>
          <input
            id="doorbell-camera"
            value={d.cameraEntityId}
            placeholder="camera.front_door"
            onInput={(e) => set({ ...d, cameraEntityId: e.currentTarget.value.trim() })}
          />
        </div>
        <div class="field">
          <label for="doorbell-seconds">{t('kiosk.doorbellSeconds')}</label>
          <input
            id="doorbell-seconds"
            type="number"
            min={3}
            max={600}
            class="tile-number"
            value={d.showS}
            onInput={(e) => set({ ...d, showS: e.currentTarget.valueAsNumber || 0 })}
          />
        </div>
      </div>
    </fieldset>
  );
}
