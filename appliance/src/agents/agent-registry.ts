import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  AGENT_ANNOUNCE_WILDCARD,
  AGENT_AVAILABILITY_WILDCARD,
  HEARTH_ROOT,
  type AgentAnnouncement,
  type AgentView,
  type BackendsView,
  type Availability,
  type Capability,
} from '@hearth/protocol';
import { parseAgentMessage, type AgentStatePayload } from './agent-messages.js';

const AGENT_STATE_WILDCARD = `${HEARTH_ROOT}/agent/+/state`;

interface AgentRecord {
  announcement: AgentAnnouncement | null;
  availability: Availability | null;
  state: AgentStatePayload | null;
  lastSeen: number | null;
}

export interface AgentRegistryEvents {
  /** An agent's view changed (for the SSE stream). */
  change: [AgentView];
  /**
   * The capabilities some online, job-accepting agent serves changed: `gained` are served now and
   * were not before, `lost` were served and no longer are (last agent asleep, offline, gone, no
   * longer accepting, or its announcement dropped them).
   */
  capacity: [{ gained: Capability[]; lost: Capability[] }];
  /** An agent announced itself (capabilities, MACs), valid and on its own topic. */
  announced: [AgentAnnouncement];
}

/**
 * What the appliance knows about GPU agents, learned from their retained MQTT topics:
 * announcement (capabilities, MACs), availability (online | asleep | offline) and telemetry.
 * Every payload is validated; garbage is logged and ignored.
 */
export class AgentRegistry extends EventEmitter<AgentRegistryEvents> {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly onMessage = (topic: string, payload: Buffer) => this.handle(topic, payload);

  constructor(
    private readonly mqtt: MqttClient,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  start(): void {
    this.mqtt.on('message', this.onMessage);
    this.mqtt.subscribe([AGENT_ANNOUNCE_WILDCARD, AGENT_AVAILABILITY_WILDCARD, AGENT_STATE_WILDCARD], { qos: 1 }, (err) => {
      if (err) this.log.error({ err: err.message }, 'could not subscribe to agent topics');
    });
  }

  stop(): void {
    this.mqtt.off('message', this.onMessage);
    if (this.mqtt.connected) this.mqtt.unsubscribe([AGENT_ANNOUNCE_WILDCARD, AGENT_AVAILABILITY_WILDCARD, AGENT_STATE_WILDCARD]);
  }

  list(): AgentView[] {
    return [...this.agents.keys()]
      .sort()
      .map((id) => this.view(id)!)
      .filter((v) => v !== null);
  }

  view(agentId: string): AgentView | null {
    const r = this.agents.get(agentId);
    if (!r?.announcement) return null;
    const a = r.announcement;
    const telemetry = Object.values(r.state?.gpus ?? {});
    return {
      agentId,
      name: a.name,
      availability: r.availability ?? 'offline',
      capabilities: [...a.capabilities],
      acceptingJobs: r.state?.accepting ?? a.acceptingJobs,
      gpus: a.gpus.map((g) => {
        const t = telemetry.find((s) => s.index === g.index);
        return {
          index: g.index,
          name: g.name,
          utilizationPct: t?.utilization_percent ?? null,
          memoryUsedMiB: t?.memory_used_mib ?? null,
          memoryTotalMiB: t?.memory_total_mib ?? g.memoryTotalMiB,
          temperatureC: t?.temperature_c ?? null,
          powerW: t?.power_draw_w ?? null,
        };
      }),
      voices: a.voices ?? [],
      lastSeen: r.lastSeen,
    };
  }

  /** What an agent last announced about its ComfyUI and LLM (null: nothing, or it takes no jobs). */
  backends(agentId: string): BackendsView | null {
    return this.agents.get(agentId)?.announcement?.backends ?? null;
  }

  /** Checkpoint files the family's ComfyUI servers list (as last announced, asleep ones too), sorted. */
  checkpoints(): string[] {
    return [...new Set([...this.agents.values()].flatMap((r) => r.announcement?.backends?.comfyui?.checkpoints ?? []))].sort();
  }

  /** Whether some online agent that accepts jobs serves `capability` right now. */
  serves(capability: Capability): boolean {
    return this.served().has(capability);
  }

  /** Every capability some online agent that accepts jobs serves right now. */
  served(): Set<Capability> {
    return new Set(
      this.list()
        .filter((a) => a.availability === 'online' && a.acceptingJobs)
        .flatMap((a) => a.capabilities),
    );
  }

  /** Each announced MAC with the agent that announced it (admins see where a wake packet goes). */
  announcedMacs(): Array<{ mac: string; agentId: string; name: string }> {
    return [...this.agents.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([agentId, r]) => (r.announcement?.macs ?? []).map((mac) => ({ mac, agentId, name: r.announcement!.name })));
  }

  /** Every MAC any agent has announced, for Wake-on-LAN. */
  macs(): string[] {
    return [...new Set([...this.agents.values()].flatMap((r) => r.announcement?.macs ?? []))];
  }

  private handle(topic: string, payload: Buffer): void {
    let msg;
    try {
      msg = parseAgentMessage(topic, payload);
    } catch (err) {
      this.log.warn({ topic, err: (err as Error).message }, 'ignored an invalid agent message');
      return;
    }
    if (!msg) return;
    const servedBefore = this.served();
    const record = this.agents.get(msg.agentId) ?? { announcement: null, availability: null, state: null, lastSeen: null };
    if (msg.kind === 'announce') {
      record.announcement = msg.announcement;
      if (msg.announcement) this.emit('announced', msg.announcement);
    } else if (msg.kind === 'availability') record.availability = msg.availability;
    else record.state = msg.state;
    if (msg.kind !== 'availability' || msg.availability === 'online') record.lastSeen = this.now();
    if (!record.announcement && !record.availability && !record.state) this.agents.delete(msg.agentId);
    else this.agents.set(msg.agentId, record);

    const after = this.view(msg.agentId);
    if (after) this.emit('change', after);
    // Compared across all agents: one agent leaving strands nothing while another still serves the same capability.
    const servedAfter = this.served();
    const gained = [...servedAfter].filter((c) => !servedBefore.has(c));
    const lost = [...servedBefore].filter((c) => !servedAfter.has(c));
    if (gained.length > 0 || lost.length > 0) this.emit('capacity', { gained, lost });
  }
}
