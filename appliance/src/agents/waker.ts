import type { Logger } from 'pino';
import type { Capability } from '@hearth/protocol';
import type { SettingsStore } from '../settings/settings-store.js';
import { DEFAULT_WAKE_ON_LAN, type WakeOnLanSettings } from '../settings/schema.js';
import type { AgentRegistry } from './agent-registry.js';
import type { KnownAgents } from './known-agents.js';
import { wakeTargets } from './readiness.js';
import { sendMagicPackets } from './wake-on-lan.js';

/**
 * Wakes the computers that can run waiting work: a magic packet only to computers that have
 * offered the job's capability and are asleep or offline now, at most once per `minIntervalMs`
 * per MAC so a burst of jobs does not flood the LAN. The admin's extra targets (machines no
 * agent has announced) are woken only for work no known computer has ever offered.
 */
export class Waker {
  private readonly lastSent = new Map<string, number>();
  /** How often waiting work wakes its computers again (at least the throttle, at least 30 s). */
  readonly retryMs: number;
  /** When the first packet of the current wait went to each computer; cleared when it comes online. */
  private readonly since = new Map<string, number>();

  constructor(
    private readonly registry: AgentRegistry,
    private readonly known: KnownAgents,
    private readonly settings: SettingsStore,
    private readonly log: Logger,
    readonly minIntervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {
    this.retryMs = Math.max(minIntervalMs, 30_000);
    registry.on('change', (a) => {
      if (a.availability === 'online') this.since.delete(a.agentId);
    });
  }

  /** Returns the MACs a packet went to (empty when throttled or nobody fits). */
  async wake(capability: Capability, reason: string): Promise<string[]> {
    const now = this.now();
    const cfg = this.settings.section<WakeOnLanSettings>('wakeOnLan', DEFAULT_WAKE_ON_LAN);
    const targets = wakeTargets(capability, this.registry, this.known);
    const macs = targets.length > 0 || this.known.offering(capability).length > 0 ? [...new Set(targets.flatMap((t) => t.macs))] : [...cfg.extraTargets];
    const due = macs.filter((mac) => now - (this.lastSent.get(mac) ?? -Infinity) >= this.minIntervalMs);
    if (due.length === 0) {
      if (macs.length === 0) this.log.info({ reason, capability }, 'work waits, but no computer that offered it can be woken');
      return [];
    }
    for (const mac of due) this.lastSent.set(mac, now);
    for (const t of targets) if (!this.since.has(t.agentId)) this.since.set(t.agentId, now);
    try {
      await sendMagicPackets(due, cfg);
      this.log.info(
        { reason, capability, macs: due, computers: targets.map((t) => t.agentId), to: `${cfg.broadcastAddress}:${cfg.port}` },
        'sent Wake-on-LAN packets',
      );
      return due;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not send Wake-on-LAN packets');
      return [];
    }
  }

  /** When Hearth started waking this computer (null: it is not being woken). */
  wakingSince(agentId: string): number | null {
    return this.since.get(agentId) ?? null;
  }
}
