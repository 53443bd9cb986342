import { Value } from '@sinclair/typebox/value';
import { KioskControl as KioskControlSchema, type KioskControl as KioskControlState } from '@hearth/protocol';
import type { SettingsStore } from '../settings/settings-store.js';
import { DEFAULT_KIOSK_CONTROL, readKioskSettings } from './kiosk-settings.js';

type Listener = (state: KioskControlState) => void;

/**
 * What Home Assistant (or an admin) says the wall display should do right now: `{ nightMode, page }`.
 * `set()` is the single entry point for every driver (HTTP, the MQTT switch/select): it validates,
 * persists (a restart at 23:00 must not light the kitchen up), and tells every listener — the SSE
 * `kiosk.control` event and the MQTT state topic subscribe with `onChange`.
 */
export class KioskControl {
  private state: KioskControlState;
  private readonly listeners = new Set<Listener>();
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly settings: SettingsStore) {
    this.state = { ...DEFAULT_KIOSK_CONTROL, ...readKioskSettings(settings).control };
  }

  get(): KioskControlState {
    return { ...this.state };
  }

  /** Change some of the state; returns the whole new state. Throws on an invalid value (nothing changes). */
  async set(change: Partial<KioskControlState>): Promise<KioskControlState> {
    const next = { ...this.state, ...change };
    if (!Value.Check(KioskControlSchema, next)) {
      const first = [...Value.Errors(KioskControlSchema, next)][0];
      throw new Error(`kiosk control${first?.path.replaceAll('/', '.') ?? ''}: ${first?.message ?? 'invalid'}`);
    }
    if (next.nightMode === this.state.nightMode && next.page === this.state.page) return this.get();
    this.state = next;
    const write = this.writes.then(() =>
      this.settings.update((draft) => {
        draft.kiosk = { ...draft.kiosk, control: next };
      }),
    );
    this.writes = write.catch(() => undefined);
    for (const l of this.listeners) l(this.get());
    await write;
    return this.get();
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
