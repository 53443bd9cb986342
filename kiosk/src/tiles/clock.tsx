import { useEffect, useMemo, useState } from 'preact/hooks';

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
  const fmt = useMemo(() => ({
    time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }),
    date: new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' }),
  }), [locale, seconds]);
  return (
    <div class={big ? 'clock clock-big' : 'clock'} data-tile="clock">
      <time class="clock-time" dateTime={now.toISOString()}>{fmt.time.format(now)}</time>
      {date && <div class="clock-date">{fmt.date.format(now)}</div>}
    </div>
  );
}
