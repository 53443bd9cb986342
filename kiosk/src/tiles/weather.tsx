import type { KioskEntity } from '../types.js';

const CONDITIONS: Record<string, string> = {
  'clear-night': 'Clear', cloudy: 'Cloudy', exceptional: 'Unusual weather', fog: 'Fog', hail: 'Hail',
  lightning: 'Thunder', 'lightning-rainy': 'Thunderstorms', partlycloudy: 'Partly cloudy', pouring: 'Pouring',
  rainy: 'Rain', snowy: 'Snow', 'snowy-rainy': 'Sleet', sunny: 'Sunny', windy: 'Windy', 'windy-variant': 'Windy',
};
const condition = (s: unknown) => (typeof s === 'string' ? CONDITIONS[s] ?? s : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);

interface Forecast { datetime?: unknown; condition?: unknown; temperature?: unknown; templow?: unknown }

/** A Home Assistant weather entity: condition, temperature, and the forecast when HA puts it in the attributes. */
export function Weather({ entity, locale }: { entity: KioskEntity | undefined; locale?: string }) {
  if (!entity || !entity.available) return <div class="tile-empty" data-tile="weather">Weather unavailable</div>;
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
