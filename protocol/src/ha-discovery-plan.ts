import { Type, type Static } from '@sinclair/typebox';
import {
  HA_COMPONENTS,
  HA_DISCOVERY_MODES,
  componentDiscoveryMessages,
  componentDiscoveryTopic,
  deviceDiscoveryMessage,
  deviceDiscoveryTopic,
  type HaDeviceDiscovery,
  type HaDiscoveryMessage,
  type HaDiscoveryMode,
} from './ha-discovery.js';

const TopicId = Type.String({ pattern: '^[a-zA-Z0-9_-]{1,128}$' });

/** What discovery configs a device last published, kept so stale ones can be cleared after a restart. */
export const DiscoveryRecord = Type.Object(
  {
    mode: Type.Union(HA_DISCOVERY_MODES.map((m) => Type.Literal(m))),
    prefix: Type.String({ minLength: 1, maxLength: 200 }),
    nodeId: TopicId,
    entities: Type.Array(
      Type.Object({ component: Type.Union(HA_COMPONENTS.map((c) => Type.Literal(c))), objectId: TopicId }, { additionalProperties: false }),
      { maxItems: 5000 },
    ),
  },
  { additionalProperties: false },
);
export type DiscoveryRecord = Static<typeof DiscoveryRecord>;

/**
 * The messages that bring HA's view of a device (an agent, the appliance) to `next`: the current
 * configs plus empty retained payloads for configs published earlier (per the record) that no
 * longer exist — a GPU that left, a deleted preset's button — so HA drops them.
 */
export function planDiscovery(
  prev: DiscoveryRecord | null,
  next: HaDeviceDiscovery,
  mode: HaDiscoveryMode,
): { messages: HaDiscoveryMessage[]; record: DiscoveryRecord } {
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
    if (prev?.mode === 'component')
      messages.push(...prev.entities.map((e) => clear(componentDiscoveryTopic(prev.prefix, e.component, prev.nodeId, e.objectId))));
    else if (prev && !sameDevice) messages.push(clear(deviceDiscoveryTopic(prev.prefix, prev.nodeId)));
    messages.push(deviceDiscoveryMessage(next, sameDevice ? gone : []));
  }
  return {
    messages,
    record: { mode, prefix: next.prefix, nodeId: next.nodeId, entities: next.entities.map((e) => ({ component: e.component, objectId: e.objectId })) },
  };
}
