import type { Capability, CapabilityReadiness } from '@hearth/protocol';
import type { AgentRegistry } from './agent-registry.js';
import type { KnownAgent, KnownAgents } from './known-agents.js';

const ref = (a: { agentId: string; name: string }) => ({ agentId: a.agentId, name: a.name });

/**
 * Can some computer run `capability`'s jobs? `ready`: an online agent that accepts jobs offers it
 * now. `wake`: a computer that offered it before is asleep or offline and has a MAC to wake.
 * `waiting`: computers offered it before, but none can be woken (on, with its server not
 * answering; or no MAC). `none`: no computer ever offered it.
 */
export function readiness(capability: Capability, registry: AgentRegistry, known: KnownAgents): CapabilityReadiness {
  const live = registry.list();
  const serving = live.filter((a) => a.availability === 'online' && a.acceptingJobs && a.capabilities.includes(capability));
  if (serving.length > 0) return { state: 'ready', computers: serving.map(ref) };
  const offered = known.offering(capability);
  const wakeable = wakeTargets(capability, registry, known);
  if (wakeable.length > 0) return { state: 'wake', computers: wakeable.map(ref) };
  if (offered.length > 0) return { state: 'waiting', computers: offered.map(ref) };
  return { state: 'none', computers: [] };
}

/** Computers worth a wake packet for `capability`: offered it once, not online now, MAC known. */
export function wakeTargets(capability: Capability, registry: AgentRegistry, known: KnownAgents): KnownAgent[] {
  return known.offering(capability).filter((k) => k.macs.length > 0 && registry.view(k.agentId)?.availability !== 'online');
}
