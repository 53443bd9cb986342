import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { sinceText } from '../stale.js';
import type { KioskCalendarEvent } from '../types.js';
import { timeFormat } from './clock.js';

/** Calendars change rarely; the wall asks again every ten minutes and when the day turns. */
const REFRESH_MS = 10 * 60_000;

const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The events that touch the local day starting at `day` (midnight); all-day ones end the day after (iCalendar). */
export function eventsOn(events: KioskCalendarEvent[], day: Date): KioskCalendarEvent[] {
  const next = new Date(day);
  next.setDate(day.getDate() + 1);
  const d = isoDay(day);
  return events.filter((e) =>
    e.allDay ? e.start.slice(0, 10) <= d && e.end.slice(0, 10) > d : Date.parse(e.start) < next.valueOf() && Date.parse(e.end) > day.valueOf(),
  );
}

/** Today's and tomorrow's events of the tile's Home Assistant calendars; old news greys out and says since when. */
export function Calendar({ title, ids, now, refreshMs = REFRESH_MS }: { title?: string; ids: string[]; now: number; refreshMs?: number }) {
  const t = useT();
  const [events, setEvents] = useState<KioskCalendarEvent[] | null>(null);
  const [fetchedAt, setFetchedAt] = useState(0);
  const [failing, setFailing] = useState(false);
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const dayKey = today.valueOf();
  useEffect(() => {
    let live = true;
    const load = () => {
      void api.calendar().then((c) => {
        if (!live) return;
        // A failed ask keeps what the tile had, greyed out: never an error on the wall.
        setFailing(c === null);
        if (c) {
          setEvents(c.events);
          setFetchedAt(Date.now());
        }
      });
    };
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [dayKey, ids.join(), refreshMs]);
  const time = useMemo(() => timeFormat(t.locale, false), [t.locale]);
  if (events === null)
    return (
      <div class="tile-empty" data-tile="calendar">
        {failing ? t('calendar.unavailable') : ''}
      </div>
    );
  const mine = events.filter((e) => ids.includes(e.entityId));
  const tomorrow = new Date(today);
  tomorrow.setDate(today.getDate() + 1);
  const days = [
    { label: t('calendar.today'), day: today },
    { label: t('calendar.tomorrow'), day: tomorrow },
  ];
  return (
    <div class={failing ? 'calendar stale' : 'calendar'} data-tile="calendar" data-stale={String(failing)}>
      {title && <h2 class="tile-title">{title}</h2>}
      {days.map(({ label, day }, i) => {
        const on = eventsOn(mine, day);
        return (
          <section key={i} class="cal-day" data-day={i}>
            <h3>{label}</h3>
            {on.length === 0 ? (
              <p class="cal-nothing">{t('calendar.nothing')}</p>
            ) : (
              <ul>
                {on.map((e, j) => (
                  <li key={j} class="cal-event">
                    <span class="cal-time">{e.allDay ? t('calendar.allDay') : `${time.format(Date.parse(e.start))}–${time.format(Date.parse(e.end))}`}</span>
                    <span class="cal-summary">{e.summary}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
      {failing && <div class="tile-stale-note">{t('status.staleTile', { time: sinceText(fetchedAt, now, t.locale) })}</div>}
    </div>
  );
}
