import { DEFAULT_KIOSK_PRESENCE, type KioskPresenceSettings, type KioskPresenceState, type KioskScreenMode } from '@hearth/protocol';

/** Time for the state machine, injected so tests run on a fake clock. */
export interface PresenceClock {
  now(): number;
  /** Call `fn` after `ms`; returns the cancel. */
  timer(fn: () => void, ms: number): () => void;
}

export const systemClock: PresenceClock = {
  now: () => Date.now(),
  timer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** The sensor name HA automations drive over MQTT (`hearth/appliance/cmd/kiosk/presence`). */
export const MQTT_PRESENCE = 'mqtt';

/**
 * Whether the wall is awake, a photo frame, or dark — decided on the server so every driver (HA
 * sensors, HA's switch and wake button over MQTT, the portal) meets in one place and the kiosk
 * and the launcher's screen power only follow. Nothing is persisted: after a restart the wall is
 * awake and the timers start again, as a screen that was just plugged in should.
 */
export class PresenceMachine {
  #settings: KioskPresenceSettings = DEFAULT_KIOSK_PRESENCE;
  /** Sensors that are on now (configured HA entities, and `mqtt` for HA automations). */
  readonly #on = new Set<string>();
  /** The last moment someone was around (a sensor going quiet, a wake). */
  #lastSeen: number;
  #wokeAt: number;
  /** HA's screen switch turned it off: dark until someone comes (a sensor turning on, a wake). */
  #forcedOff = false;
  #state: KioskPresenceState;
  #cancel: (() => void) | undefined;

  constructor(
    private readonly clock: PresenceClock,
    private readonly onChange: (state: KioskPresenceState) => void,
  ) {
    const now = clock.now();
    this.#lastSeen = now;
    this.#wokeAt = now;
    this.#state = { mode: 'awake', present: false, since: now };
  }

  get(): KioskPresenceState {
    return { ...this.#state };
  }

  configure(settings: KioskPresenceSettings | undefined): void {
    const next = settings ?? DEFAULT_KIOSK_PRESENCE;
    if (JSON.stringify(next) === JSON.stringify(this.#settings)) return;
    this.#settings = next;
    for (const id of [...this.#on]) if (id !== MQTT_PRESENCE && !next.entityIds.includes(id)) this.#on.delete(id);
    this.#evaluate();
  }

  /** Whether the machine listens to this HA entity. */
  watches(entityId: string): boolean {
    return this.#settings.entityIds.includes(entityId);
  }

  /** A presence sensor's state (an HA entity, or `mqtt`); unknown entities are ignored. */
  sensor(id: string, on: boolean): void {
    if (id !== MQTT_PRESENCE && !this.watches(id)) return;
    const was = this.#on.has(id);
    if (was === on) return;
    const now = this.clock.now();
    if (on) {
      this.#on.add(id);
      this.#forcedOff = false;
    } else {
      this.#on.delete(id);
      if (this.#on.size === 0) this.#lastSeen = now;
    }
    this.#evaluate();
  }

  /** Someone asked for the screen (HA's wake button or screen switch ON): as if a sensor blinked. */
  wake(): void {
    this.#forcedOff = false;
    this.#lastSeen = this.clock.now();
    if (this.#state.mode !== 'awake') this.#wokeAt = this.#lastSeen;
    this.#evaluate();
  }

  /** HA's screen switch OFF: dark now, whatever the timers say, until someone comes. */
  sleep(): void {
    this.#forcedOff = true;
    this.#evaluate();
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #evaluate(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    const now = this.clock.now();
    const present = this.#on.size > 0;
    const { mode, next } = this.#decide(now, present);
    if (mode === 'awake' && this.#state.mode !== 'awake') this.#wokeAt = now;
    if (mode !== this.#state.mode || present !== this.#state.present) {
      this.#state = { mode, present, since: mode === this.#state.mode ? this.#state.since : now };
      this.onChange(this.get());
    }
    if (next !== undefined) this.#cancel = this.clock.timer(() => this.#evaluate(), Math.max(0, next - now));
  }

  /** The mode now, and when it would next change if nothing happens. */
  #decide(now: number, present: boolean): { mode: KioskScreenMode; next?: number } {
    const s = this.#settings;
    if (this.#forcedOff) return { mode: 'off' };
    if (!s.enabled || present) return { mode: 'awake' };
    const due = (afterS: number) => (afterS > 0 ? Math.max(this.#wokeAt + s.minOnS * 1000, this.#lastSeen + afterS * 1000) : Infinity);
    const offAt = due(s.offAfterS);
    const photosAt = due(s.photosAfterS);
    if (now >= offAt) return { mode: 'off' };
    if (now >= photosAt) return { mode: 'photos', next: offAt === Infinity ? undefined : offAt };
    const next = Math.min(photosAt, offAt);
    return { mode: 'awake', next: next === Infinity ? undefined : next };
  }
}
