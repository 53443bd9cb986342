import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { KioskEntity } from '../types.js';
import { useT, type MessageKey, type Translate } from '../i18n/i18n.js';
import { en } from '../i18n/en.js';

/** HA's weather condition in the wall's language; a condition HA adds later shows as HA names it. */
export const conditionText = (s: unknown, t: Translate) => {
  if (typeof s !== 'string') return '';
  const key = `weather.${s}`;
  return key in en ? t(key as MessageKey) : s;
};
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);
/** HA refreshes most forecasts hourly; the wall asks again on every change of the entity and every 30 minutes. */
const REFRESH_MS = 30 * 60_000;

interface Forecast {
  datetime: string;
  condition: string | null;
  temperature: number | null;
  templow: number | null;
}

/** A Home Assistant weather entity: condition and temperature now, today and the next three days. */
export function Weather({ entity }: { entity: KioskEntity | undefined }) {
  const t = useT();
  const [forecast, setForecast] = useState<Forecast[]>([]);
  const id = entity?.entityId;
  const changed = entity?.lastChanged;
  useEffect(() => {
    if (!id) return;
    let live = true;
    // A failed ask keeps what the tile had: never an error on the wall.
    const load = () => {
      void api.forecast(id).then((f) => {
        if (live && f) setForecast(f);
      });
    };
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [id, changed]);
  if (!entity || !entity.available)
    return (
      <div class="tile-empty" data-tile="weather">
        {t('weather.unavailable')}
      </div>
    );
  const a = entity.attributes;
  const unit = typeof a.temperature_unit === 'string' ? a.temperature_unit : '°';
  const day = new Intl.DateTimeFormat(t.locale, { weekday: 'short' });
  return (
    <div class="weather" data-tile="weather">
      <div class="weather-now">
        <span class="weather-temp">
          {num(a.temperature) ?? '–'}
          {unit}
        </span>
        <span class="weather-cond">{conditionText(entity.state, t)}</span>
      </div>
      {forecast.length > 0 && (
        <ul class="weather-forecast">
          {forecast.map((f, i) => {
            const when = new Date(f.datetime);
            return (
              <li key={i} data-day={i}>
                <span>{Number.isNaN(when.valueOf()) ? '' : day.format(when)}</span>
                <span class="weather-day-cond">{conditionText(f.condition, t)}</span>
                <span>
                  {num(f.temperature) ?? '–'}°{num(f.templow) !== undefined ? ` / ${num(f.templow)}°` : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
