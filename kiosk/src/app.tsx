import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, NotPaired } from './api.js';
import { LiveClient } from '@hearth/live-client';
import { Pairing } from './pairing.js';
import { DoorbellView } from './doorbell.js';
import { isScheduledNight, shiftAt } from './schedule.js';
import { FINAL_STATUSES } from '@hearth/protocol/plain';
import type { Tuning } from './tuning.js';
import type { AgentView, JobView, KioskControl, KioskEntity, KioskCameraEvent, KioskFeed, KioskPresenceState, KioskTile, MediaView } from './types.js';
import { Agents } from './tiles/agents.js';
import { Clock } from './tiles/clock.js';
import { Entities } from './tiles/entities.js';
import { Jobs, JUST_FINISHED_MS } from './tiles/jobs.js';
import { Slideshow } from './tiles/slideshow.js';
import { Weather } from './tiles/weather.js';
import { Calendar } from './tiles/calendar.js';
import { I18n, translator } from './i18n/i18n.js';
import { sinceText, TileGuard } from './stale.js';

type Phase = 'loading' | 'unpaired' | 'ready';
const FINISHED: ReadonlySet<string> = new Set(FINAL_STATUSES);
/** Tiles showing Home Assistant's states: they grey out while the appliance has lost HA (the calendar tile says so itself). */
const FROM_HA: ReadonlySet<string> = new Set(['weather', 'entities']);
const byKey = <T,>(items: T[], key: (t: T) => string) => new Map(items.map((i) => [key(i), i]));
const sameIds = (a: MediaView[], b: MediaView[]) => a.length === b.length && a.every((m, i) => m.id === b[i]!.id);

/** The wall display: pairing, then the admin's layout fed live by the appliance, calm at night. */
export function App({ tuning }: { tuning: Tuning }) {
  const [phase, setPhase] = useState<Phase>('loading');
  const [feed, setFeed] = useState<KioskFeed | null>(null);
  const [control, setControl] = useState<KioskControl>({ nightMode: false, page: 'home' });
  const [presence, setPresence] = useState<KioskPresenceState>({ mode: 'awake', present: false, since: 0 });
  const [camera, setCamera] = useState<{ entityId: string; showS: number; at: number } | null>(null);
  const [entities, setEntities] = useState(new Map<string, KioskEntity>());
  // When the appliance last had Home Assistant connected; null while it has.
  const [haDownSince, setHaDownSince] = useState<number | null>(null);
  const haLastUp = useRef(Date.now());
  const [jobs, setJobs] = useState(new Map<string, JobView>());
  const [agents, setAgents] = useState(new Map<string, AgentView>());
  const [slides, setSlides] = useState<MediaView[]>([]);
  const [online, setOnline] = useState(false);
  const [lastDataAt, setLastDataAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [shiftStep, setShiftStep] = useState(0);
  const boot = useRef<{ version: string; build: string | null } | null>(null);

  const fresh = () => setLastDataAt(Date.now());

  const refreshSlides = useCallback(async () => {
    const next = await api.slides().catch(() => null);
    if (next) setSlides((prev) => (sameIds(prev, next) ? prev : next));
  }, []);

  /** Fetch everything again: at start, after every (re)connect, and now and then for layout edits. */
  const resync = useCallback(async () => {
    let f: KioskFeed;
    try {
      f = await api.feed();
    } catch (err) {
      if (err instanceof NotPaired) setPhase('unpaired');
      return;
    }
    // A new appliance version or kiosk build: load the new bundle instead of running the old one for months.
    const b = boot.current;
    if (b && (b.version !== f.version || b.build !== f.build)) {
      location.reload();
      return;
    }
    boot.current ??= { version: f.version, build: f.build };
    setFeed(f);
    setControl(f.control);
    setPresence(f.presence);
    setJobs(
      byKey(
        f.jobs.filter((j) => !FINISHED.has(j.status)),
        (j) => j.id,
      ),
    );
    if (f.agents) setAgents(byKey(f.agents, (a) => a.agentId));
    setPhase('ready');
    fresh();
    const list = await api.entities().catch(() => null);
    if (list) {
      setEntities(byKey(list.entities, (e) => e.entityId));
      if (list.connected) haLastUp.current = Date.now();
      setHaDownSince(list.connected ? null : haLastUp.current);
    }
    await refreshSlides();
  }, [refreshSlides]);

  useEffect(() => {
    void resync();
  }, [resync]);

  const staleMs = tuning.staleMs ?? (feed?.layout.staleAfterS ?? 90) * 1000;

  // The live stream, and a slow poll of the feed (layout edits; proof of life when the house is quiet).
  useEffect(() => {
    if (phase !== 'ready') return;
    const live = new LiveClient();
    live.onStatus((s) => setOnline(s === 'open'));
    live.subscribe('hello', (d) => {
      const version = (d as { version?: unknown }).version;
      if (boot.current && typeof version === 'string' && version !== boot.current.version) location.reload();
      else void resync();
    });
    live.subscribe('kiosk.control', (d) => {
      setControl(d as KioskControl);
      fresh();
    });
    live.subscribe('kiosk.layout', () => {
      void resync();
    });
    live.subscribe('kiosk.presence', (d) => {
      setPresence(d as KioskPresenceState);
      fresh();
    });
    live.subscribe('kiosk.camera', (d) => {
      const c = d as KioskCameraEvent;
      setCamera({ entityId: c.cameraEntityId, showS: c.showS, at: Date.now() });
    });
    live.subscribe('ha.state', (d) => {
      const s = d as { entityId: string; state: string; attributes: Record<string, unknown>; lastChanged: string };
      setEntities((prev) => {
        const old = prev.get(s.entityId);
        if (!old) return prev;
        const next = new Map(prev);
        next.set(s.entityId, { ...old, state: s.state, attributes: s.attributes, lastChanged: s.lastChanged, available: s.state !== 'unavailable' });
        return next;
      });
      fresh();
    });
    live.subscribe('job', (d) => {
      const job = d as JobView;
      setJobs((prev) => {
        const next = new Map(prev);
        if (FINISHED.has(job.status)) next.delete(job.id);
        else next.set(job.id, job);
        return next;
      });
      fresh();
    });
    live.subscribe('job.progress', (d) => {
      const { jobId, progress } = d as { jobId: string; progress: JobView['progress'] };
      setJobs((prev) => {
        const old = prev.get(jobId);
        if (!old) return prev;
        return new Map(prev).set(jobId, { ...old, status: 'running', progress });
      });
      fresh();
    });
    live.subscribe('agent', (d) => {
      const a = d as AgentView;
      setAgents((prev) => new Map(prev).set(a.agentId, a));
      fresh();
    });
    live.subscribe('media', () => {
      void refreshSlides();
    });
    live.subscribe('media.deleted', () => {
      void refreshSlides();
    });
    live.start();
    const pollMs = tuning.pollMs ?? Math.min(60_000, staleMs / 3);
    const poll = setInterval(() => {
      void resync();
    }, pollMs);
    return () => {
      clearInterval(poll);
      live.stop();
    };
  }, [phase, resync, refreshSlides, staleMs, tuning.pollMs]);

  // The doorbell view ends by itself; a second ring restarts its time.
  useEffect(() => {
    if (!camera) return;
    const t = setTimeout(() => setCamera(null), camera.showS * 1000);
    return () => clearTimeout(t);
  }, [camera]);

  // A coarse tick for the night schedule and the stale check.
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), Math.min(15_000, staleMs / 4));
    return () => clearInterval(t);
  }, [staleMs]);

  const shiftMs = tuning.shiftMs ?? (feed?.layout.burnIn.everyS ?? 180) * 1000;
  useEffect(() => {
    const t = setInterval(() => setShiftStep((n) => n + 1), shiftMs);
    return () => clearInterval(t);
  }, [shiftMs]);

  const locale = feed?.layout.locale ?? navigator.language;
  const t = useMemo(() => translator(locale), [locale]);

  if (phase === 'loading') return <div class="kiosk kiosk-loading" />;
  if (phase === 'unpaired' || !feed)
    return (
      <I18n.Provider value={t}>
        <Pairing
          onPaired={() => {
            setPhase('loading');
            void resync();
          }}
        />
      </I18n.Provider>
    );
  return <I18n.Provider value={t}>{screen()}</I18n.Provider>;

  function screen() {
    if (!feed) return null;

    const layout = feed.layout;
    const night = control.nightMode || isScheduledNight(layout.night, new Date(now));
    const stale = now - lastDataAt > staleMs;
    const shift = shiftAt(shiftStep, layout.burnIn.shiftPx);
    const rootStyle = { transform: `translate(${shift.x}px, ${shift.y}px)` };
    const badge = !online && (
      <div class="offline-badge" role="status">
        {t('status.offline')}
      </div>
    );
    const slideMs = tuning.slideMs ?? layout.slideshow.intervalS * 1000;

    // Someone at the door: their camera over everything (the ring also woke the wall).
    if (camera)
      return (
        <div class="kiosk" data-screen="camera" data-night="false">
          <DoorbellView camera={camera.entityId} />
          {badge}
        </div>
      );

    // Dark: the launcher switches HDMI off too; black is what shows if it cannot (a desktop browser).
    if (presence.mode === 'off')
      return (
        <div class="kiosk screen-off" data-screen="off" data-night={String(night)}>
          {badge}
        </div>
      );

    if (night) {
      return (
        <div class="kiosk night" data-night="true" data-screen={presence.mode} style={rootStyle}>
          <div class="night-clock" style={{ opacity: layout.night.brightness }}>
            <Clock locale={layout.locale} big />
          </div>
          {badge}
        </div>
      );
    }

    // Nobody around (or HA chose the photos page): the family's pictures, full screen, with captions.
    if (control.page === 'photos' || presence.mode === 'photos') {
      return (
        <div class="kiosk photos" data-night="false" data-screen={presence.mode} style={rootStyle}>
          <Slideshow slides={slides} intervalMs={slideMs} frame locale={layout.locale} />
          {badge}
        </div>
      );
    }

    // Without a GPU computer the computers tile says so in one line and gives its space back.
    const noGpu = ![...agents.values()].some((a) => a.gpus.length > 0);
    const tile = (tl: KioskTile) => {
      switch (tl.type) {
        case 'clock':
          return <Clock locale={layout.locale} seconds={tl.options.seconds} date={tl.options.date ?? true} />;
        case 'weather':
          return <Weather entity={entities.get(tl.options.entityId)} />;
        case 'calendar':
          return <Calendar title={tl.options.title} ids={tl.options.entityIds} now={now} refreshMs={tuning.calendarMs} />;
        case 'entities':
          return (
            <Entities
              title={tl.options.title}
              ids={tl.options.entityIds}
              entities={entities}
              onToggle={(id) => {
                void api.toggle(id, feed.csrfToken).catch(() => undefined);
              }}
            />
          );
        case 'jobs':
          return (
            <Jobs jobs={[...jobs.values()]} finished={slides.filter((m) => m.jobId !== null && now - m.createdAt < JUST_FINISHED_MS)} max={tl.options.max} />
          );
        case 'agents':
          return <Agents agents={[...agents.values()]} />;
        case 'slideshow':
          return <Slideshow slides={slides} intervalMs={slideMs} />;
      }
    };

    return (
      <div class={stale ? 'kiosk day stale' : 'kiosk day'} data-night="false" data-screen="awake" data-stale={String(stale)} style={rootStyle}>
        <div class="grid" style={{ gridTemplateColumns: `repeat(${layout.columns}, 1fr)`, gridTemplateRows: `repeat(${layout.rows}, 1fr)` }}>
          {layout.tiles.map((tl, i) => (
            <section
              key={`${i}-${tl.type}`}
              class={`tile tile-${tl.type}${tl.type === 'agents' && noGpu ? ' tile-compact' : ''}${haDownSince !== null && FROM_HA.has(tl.type) ? ' tile-stale' : ''}`}
              style={{ gridColumn: `${tl.x + 1} / span ${tl.w}`, gridRow: `${tl.y + 1} / span ${tl.h}` }}
            >
              <TileGuard>{tile(tl)}</TileGuard>
              {haDownSince !== null && FROM_HA.has(tl.type) && (
                <div class="tile-stale-note">{t('status.staleTile', { time: sinceText(haDownSince, now, locale) })}</div>
              )}
            </section>
          ))}
        </div>
        {stale && (
          <div class="stale-note" role="status">
            {t('status.staleSince', { time: sinceText(lastDataAt, now, locale) })}
          </div>
        )}
        {badge}
      </div>
    );
  }
}
