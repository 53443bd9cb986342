import { useI18n } from '../../i18n/i18n.js';
import type { KioskLayout } from '../../types.js';

type Night = KioskLayout['night'];
type BurnIn = KioskLayout['burnIn'];

/** Night by the clock (besides HA's switch), how bright the night clock is, and the burn-in shift. */
export function NightFields({ night, burnIn, onChange }: { night: Night; burnIn: BurnIn; onChange(next: { night: Night; burnIn: BurnIn }): void }) {
  const { t } = useI18n();
  const setNight = (change: Partial<Night>) => onChange({ night: { ...night, ...change }, burnIn });
  const setBurnIn = (change: Partial<BurnIn>) => onChange({ night, burnIn: { ...burnIn, ...change } });
  return (
    <fieldset class="stack" id="kiosk-night">
      <legend>{t('kiosk.night')}</legend>
      <label class="row">
        <input type="checkbox" checked={night.scheduled} onChange={(e) => setNight({ scheduled: e.currentTarget.checked })} />
        {t('kiosk.nightScheduled')}
      </label>
      <div class="row wrap end">
        <div class="field">
          <label for="night-from">{t('kiosk.nightFrom')}</label>
          <input id="night-from" type="time" value={night.from} onInput={(e) => setNight({ from: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="night-to">{t('kiosk.nightTo')}</label>
          <input id="night-to" type="time" value={night.to} onInput={(e) => setNight({ to: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="night-brightness">{t('kiosk.nightBrightness')}</label>
          <input
            id="night-brightness"
            type="number"
            min={5}
            max={100}
            class="tile-number"
            value={Math.round(night.brightness * 100)}
            onInput={(e) => setNight({ brightness: (e.currentTarget.valueAsNumber || 0) / 100 })}
          />
        </div>
      </div>
      <div class="row wrap end">
        <div class="field">
          <label for="burnin-px">{t('kiosk.burnInPx')}</label>
          <input
            id="burnin-px"
            type="number"
            min={0}
            max={40}
            class="tile-number"
            value={burnIn.shiftPx}
            onInput={(e) => setBurnIn({ shiftPx: e.currentTarget.valueAsNumber || 0 })}
          />
        </div>
        <div class="field">
          <label for="burnin-every">{t('kiosk.burnInEvery')}</label>
          <input
            id="burnin-every"
            type="number"
            min={10}
            max={3600}
            class="tile-number"
            value={burnIn.everyS}
            onInput={(e) => setBurnIn({ everyS: e.currentTarget.valueAsNumber || 0 })}
          />
        </div>
      </div>
    </fieldset>
  );
}
