import type { KioskEntity } from '../types.js';

/** Home Assistant's weather conditions, and the tile's one sentence, in the wall display's languages. */
const WORDS = {
  en: {
    unavailable: 'Weather unavailable',
    conditions: {
      'clear-night': 'Clear', cloudy: 'Cloudy', exceptional: 'Unusual weather', fog: 'Fog', hail: 'Hail',
      lightning: 'Thunder', 'lightning-rainy': 'Thunderstorms', partlycloudy: 'Partly cloudy', pouring: 'Pouring',
      rainy: 'Rain', snowy: 'Snow', 'snowy-rainy': 'Sleet', sunny: 'Sunny', windy: 'Windy', 'windy-variant': 'Windy',
    } as Record<string, string>,
  },
  pl: {
    unavailable: 'Pogoda niedostępna',
    conditions: {
      'clear-night': 'Bezchmurnie', cloudy: 'Pochmurno', exceptional: 'Nietypowa pogoda', fog: 'Mgła', hail: 'Grad',
      lightning: 'Burza', 'lightning-rainy': 'Burza z deszczem', partlycloudy: 'Częściowe zachmurzenie', pouring: 'Ulewa',
      rainy: 'Deszcz', snowy: 'Śnieg', 'snowy-rainy': 'Deszcz ze śniegiem', sunny: 'Słonecznie', windy: 'Wietrznie', 'windy-variant': 'Wietrznie',
    } as Record<string, string>,
  },
};
const wordsFor = (locale: string | undefined) => (locale?.toLowerCase().startsWith('pl') ? WORDS.pl : WORDS.en);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);

interface Forecast { datetime?: unknown; condition?: unknown; temperature?: unknown; templow?: unknown }

/** A Home Assistant weather entity: condition, temperature, and the forecast when HA puts it in the attributes. */
export function Weather({ entity, locale }: { entity: KioskEntity | undefined; locale?: string }) {
  const words = wordsFor(locale);
  const condition = (s: unknown) => (typeof s === 'string' ? words.conditions[s] ?? s : '');
  if (!entity || !entity.available) return <div class="tile-empty" data-tile="weather">{words.unavailable}</div>;
  const a = entity.attributes;
  const unit = typeof a.temperature_unit === 'string' ? a.temperature_unit : '°';
  const forecast = (Array.isArray(a.forecast) ? (a.forecast as Forecast[]) : []).slice(0, 4);
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short' });
  return (
    <div class="weather" data-tile="weather">
      <div class="weather-now">
        <span class="weather-temp">{num(a.temperature) ?? '–'}{unit}</span>
        <span class="weather-cond">{condition(entity.state)}</span>
      </div>
      {forecast.length > 0 && (
        <ul class="weather-forecast">
          {forecast.map((f, i) => {
            const when = typeof f.datetime === 'string' ? new Date(f.datetime) : undefined;
            return (
              <li key={i}>
                <span>{when && !Number.isNaN(when.valueOf()) ? day.format(when) : ''}</span>
                <span>{condition(f.condition)}</span>
                <span>{num(f.temperature) ?? '–'}°{num(f.templow) !== undefined ? ` / ${num(f.templow)}°` : ''}</span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
