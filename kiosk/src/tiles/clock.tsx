import { useEffect, useMemo, useState } from 'preact/hooks';

/**
 * The time as the locale writes it: 12 or 24 hours as its people expect, the hour without a
 * leading zero ("9:05", "9:05 PM").
 */
export const timeFormat = (locale: string | undefined, seconds: boolean) =>
  new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });

/** Time and date in the layout's locale; ticks once a second only when seconds are shown. */
export function Clock({ locale, seconds = false, date = true, big = false }: { locale?: string; seconds?: boolean; date?: boolean; big?: boolean }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const d = new Date();
      setNow(d);
      // Wake at the next second or minute boundary, not on a drifting interval.
      timer = setTimeout(tick, seconds ? 1000 - d.getMilliseconds() : 60_000 - (d.getSeconds() * 1000 + d.getMilliseconds()));
    };
    tick();
    return () => clearTimeout(timer);
  }, [seconds]);
  const fmt = useMemo(
    () => ({
      time: timeFormat(locale, seconds),
      date: new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' }),
    }),
    [locale, seconds],
  );
  return (
    <div class={big ? 'clock clock-big' : 'clock'} data-tile="clock">
      <time class="clock-time" dateTime={now.toISOString()}>
        {fmt.time.format(now)}
      </time>
      {date && <div class="clock-date">{fmt.date.format(now)}</div>}
    </div>
  );
}
