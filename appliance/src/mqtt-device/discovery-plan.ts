import {
  componentDiscoveryMessages,
  componentDiscoveryTopic,
  deviceDiscoveryMessage,
  deviceDiscoveryTopic,
  type HaDeviceDiscovery,
  type HaDiscoveryMessage,
  type HaDiscoveryMode,
} from '@hearth/protocol';
import type { DiscoveryRecord } from './device-settings.js';

/**
 * The messages that bring HA's view of the appliance to `next`: the current configs plus empty retained
 * payloads for configs published earlier (per the record) that no longer exist, e.g. a deleted preset's button.
 * Same rules as the agent's plan (gpu-agent/src/presence/discovery-plan.ts).
 */
export function planDiscovery(prev: DiscoveryRecord | null, next: HaDeviceDiscovery, mode: HaDiscoveryMode): { messages: HaDiscoveryMessage[]; record: DiscoveryRecord } {
  const key = (e: { component: string; objectId: string }) => `${e.component}/${e.objectId}`;
  const current = new Set(next.entities.map(key));
  const moved = prev !== null && (prev.prefix !== next.prefix || prev.nodeId !== next.nodeId);
  const gone = (prev?.entities ?? []).filter((e) => moved || !current.has(key(e)));
  const clear = (topic: string): HaDiscoveryMessage => ({ topic, payload: '' });
  const messages: HaDiscoveryMessage[] = [];

  if (mode === 'component') {
    if (prev?.mode === 'device') messages.push(clear(deviceDiscoveryTopic(prev.prefix, prev.nodeId)));
    else if (prev) messages.push(...gone.map((e) => clear(componentDiscoveryTopic(prev.prefix, e.component, prev.nodeId, e.objectId))));
    messages.push(...componentDiscoveryMessages(next));
  } else {
    const sameDevice = prev?.mode === 'device' && !moved;
    if (prev?.mode === 'component') messages.push(...prev.entities.map((e) => clear(componentDiscoveryTopic(prev.prefix, e.component, prev.nodeId, e.objectId))));
    else if (prev && !sameDevice) messages.push(clear(deviceDiscoveryTopic(prev.prefix, prev.nodeId)));
    messages.push(deviceDiscoveryMessage(next, sameDevice ? gone : []));
  }
  return {
    messages,
    record: { mode, prefix: next.prefix, nodeId: next.nodeId, entities: next.entities.map((e) => ({ component: e.component, objectId: e.objectId })) },
  };
}
