import { CAPABILITIES, type AgentAnnouncement, type Capability } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export interface KnownAgent {
  agentId: string;
  name: string;
  /** Every capability this computer has ever offered (a ComfyUI that is down now still counts). */
  capabilities: Capability[];
  macs: string[];
  gpus: number;
  lastSeen: number;
}

interface Row {
  agent_id: string;
  name: string;
  capabilities: string;
  macs: string;
  gpus: number;
  last_seen: number;
}

const toKnown = (r: Row): KnownAgent => ({
  agentId: r.agent_id,
  name: r.name,
  capabilities: JSON.parse(r.capabilities) as Capability[],
  macs: JSON.parse(r.macs) as string[],
  gpus: r.gpus,
  lastSeen: r.last_seen,
});

/**
 * The computers Hearth has ever heard from, kept in SQLite: what they offered once is remembered
 * when they sleep, when their server is down, and across broker restarts.
 */
export class KnownAgents {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare<[string], Row>('SELECT * FROM known_agents WHERE agent_id = ?'),
      all: db.prepare<[], Row>('SELECT * FROM known_agents ORDER BY agent_id'),
      upsert: db.prepare(`INSERT INTO known_agents (agent_id, name, capabilities, macs, gpus, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
                          ON CONFLICT (agent_id) DO UPDATE SET name = excluded.name, capabilities = excluded.capabilities, macs = excluded.macs,
                          gpus = excluded.gpus, last_seen = excluded.last_seen`),
    };
  }

  /** Remember an announcement: its capabilities join those offered before; name, MACs and GPUs are the latest. */
  record(a: AgentAnnouncement, now: number): void {
    const before = this.stmts.get.get(a.agentId);
    const offered = new Set<Capability>([...(before ? (JSON.parse(before.capabilities) as Capability[]) : []), ...a.capabilities]);
    const capabilities = CAPABILITIES.filter((c) => offered.has(c));
    // An announcement without MACs (an agent in a container) keeps the ones learned before.
    const macs = a.macs.length > 0 ? a.macs : before ? (JSON.parse(before.macs) as string[]) : [];
    this.stmts.upsert.run(a.agentId, a.name, JSON.stringify(capabilities), JSON.stringify(macs), a.gpus.length, now, now);
  }

  list(): KnownAgent[] {
    return this.stmts.all.all().map(toKnown);
  }

  /** Computers that have ever offered `capability`. */
  offering(capability: Capability): KnownAgent[] {
    return this.list().filter((k) => k.capabilities.includes(capability));
  }
}
