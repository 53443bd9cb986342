import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { KioskEntity } from '../types.js';

/** HA's weather conditions in the wall's language (English unless the layout's locale is Polish). */
const CONDITIONS: Record<'en' | 'pl', Record<string, string>> = {
  en: {
    'clear-night': 'Clear', cloudy: 'Cloudy', exceptional: 'Unusual weather', fog: 'Fog', hail: 'Hail',
    lightning: 'Thunder', 'lightning-rainy': 'Thunderstorms', partlycloudy: 'Partly cloudy', pouring: 'Pouring',
    rainy: 'Rain', snowy: 'Snow', 'snowy-rainy': 'Sleet', sunny: 'Sunny', windy: 'Windy', 'windy-variant': 'Windy',
  },
  pl: {
    'clear-night': 'Bezchmurnie', cloudy: 'Pochmurno', exceptional: 'Nietypowa pogoda', fog: 'Mgła', hail: 'Grad',
    lightning: 'Burza', 'lightning-rainy': 'Burza z deszczem', partlycloudy: 'Częściowe zachmurzenie', pouring: 'Ulewa',
    rainy: 'Deszcz', snowy: 'Śnieg', 'snowy-rainy': 'Deszcz ze śniegiem', sunny: 'Słonecznie', windy: 'Wietrznie', 'windy-variant': 'Wietrznie',
  },
};
export const conditionText = (s: unknown, locale: string | undefined) => {
  const table = CONDITIONS[(locale ?? navigator.language).toLowerCase().startsWith('pl') ? 'pl' : 'en'];
  return typeof s === 'string' ? table[s] ?? s : '';
};
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);
/** HA refreshes most forecasts hourly; the wall asks again on every change of the entity and every 30 minutes. */
const REFRESH_MS = 30 * 60_000;

interface Forecast { datetime: string; condition: string | null; temperature: number | null; templow: number | null }

/** A Home Assistant weather entity: condition and temperature now, today and the next three days. */
export function Weather({ entity, locale }: { entity: KioskEntity | undefined; locale?: string }) {
  const [forecast, setForecast] = useState<Forecast[]>([]);
  const id = entity?.entityId;
  const changed = entity?.lastChanged;
  useEffect(() => {
    if (!id) return;
    let live = true;
    // A failed ask keeps what the tile had: never an error on the wall.
    const load = () => { void api.forecast(id).then((f) => { if (live && f) setForecast(f); }); };
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => { live = false; clearInterval(t); };
  }, [id, changed]);
  if (!entity || !entity.available) return <div class="tile-empty" data-tile="weather">Weather unavailable</div>;
  const a = entity.attributes;
  const unit = typeof a.temperature_unit === 'string' ? a.temperature_unit : '°';
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short' });
  return (
    <div class="weather" data-tile="weather">
      <div class="weather-now">
        <span class="weather-temp">{num(a.temperature) ?? '–'}{unit}</span>
        <span class="weather-cond">{conditionText(entity.state, locale)}</span>
      </div>
      {forecast.length > 0 && (
        <ul class="weather-forecast">
          {forecast.map((f, i) => {
            const when = new Date(f.datetime);
            return (
              <li key={i} data-day={i}>
                <span>{Number.isNaN(when.valueOf()) ? '' : day.format(when)}</span>
                <span class="weather-day-cond">{conditionText(f.condition, locale)}</span>
                <span>{num(f.temperature) ?? '–'}°{num(f.templow) !== undefined ? ` / ${num(f.templow)}°` : ''}</span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
