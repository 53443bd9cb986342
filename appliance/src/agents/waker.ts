import type { Logger } from 'pino';
import type { SettingsStore } from '../settings/settings-store.js';
import { DEFAULT_WAKE_ON_LAN, type WakeOnLanSettings } from '../settings/schema.js';
import type { AgentRegistry } from './agent-registry.js';
import { sendMagicPackets } from './wake-on-lan.js';

/**
 * Wakes the family's GPU machines when work waits for them: a magic packet to every MAC the
 * agents announced (plus configured extra targets), at most once per `minIntervalMs` so a burst
 * of jobs does not flood the LAN.
 */
export class Waker {
  private lastWake = 0;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly settings: SettingsStore,
    private readonly log: Logger,
    private readonly minIntervalMs = 30_000,
  ) {}

  /** Returns the MACs a packet went to (empty when throttled or nobody is known). */
  async wake(reason: string): Promise<string[]> {
    const now = Date.now();
    if (now - this.lastWake < this.minIntervalMs) return [];
    const cfg = this.settings.section<WakeOnLanSettings>('wakeOnLan', DEFAULT_WAKE_ON_LAN);
    const macs = [...new Set([...this.registry.macs(), ...cfg.extraTargets])];
    if (macs.length === 0) {
      this.log.info({ reason }, 'work waits for a GPU, but no agent MAC is known to wake');
      return [];
    }
    this.lastWake = now;
    try {
      await sendMagicPackets(macs, cfg);
      this.log.info({ reason, macs, to: `${cfg.broadcastAddress}:${cfg.port}` }, 'sent Wake-on-LAN packets');
      return macs;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not send Wake-on-LAN packets');
      return [];
    }
  }
}
