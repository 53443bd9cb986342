import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AVAILABILITY, AgentAnnouncement, HEARTH_ROOT, isMqttAgentId, type Availability } from '@hearth/protocol';
const Reading = Type.Union([Type.Number(), Type.Null()]);

/** The part of an agent's retained state JSON (`hearth/agent/<id>/state`) the appliance reads. */
export const AgentStatePayload = Type.Object({
  accepting: Type.Optional(Type.Boolean()),
  gpus: Type.Optional(
    Type.Record(
      Type.String({ maxLength: 16 }),
      Type.Object({
        index: Type.Integer({ minimum: 0 }),
        name: Type.Optional(Type.Union([Type.String({ maxLength: 120 }), Type.Null()])),
        utilization_percent: Type.Optional(Reading),
        memory_used_mib: Type.Optional(Reading),
        memory_total_mib: Type.Optional(Reading),
        temperature_c: Type.Optional(Reading),
        power_draw_w: Type.Optional(Reading),
      }),
      { maxProperties: 16 },
    ),
  ),
});
export type AgentStatePayload = Static<typeof AgentStatePayload>;

export type AgentMessage =
  | { kind: 'announce'; agentId: string; announcement: AgentAnnouncement | null }
  | { kind: 'availability'; agentId: string; availability: Availability | null }
  | { kind: 'state'; agentId: string; state: AgentStatePayload | null };

/**
 * Parse one MQTT message about an agent. Empty payloads (cleared retained topics) come back as
 * null values; anything malformed throws with a reason fit for a log line.
 */
export function parseAgentMessage(topic: string, payload: Buffer): AgentMessage | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== HEARTH_ROOT || parts[1] !== 'agent') return undefined;
  const agentId = parts[2]!;
  const kind = parts[3];
  if (kind !== 'announce' && kind !== 'availability' && kind !== 'state') return undefined;
  // The same rule the brokers' ACL applies to `agent-<id>` users: the topic's id is the publisher's.
  if (!isMqttAgentId(agentId)) throw new Error(`agent id "${agentId.slice(0, 60)}" is not valid`);
  const text = payload.toString('utf8');
  if (kind === 'availability') {
    if (text === '') return { kind, agentId, availability: null };
    if (!(AVAILABILITY as readonly string[]).includes(text)) throw new Error(`availability "${text.slice(0, 40)}" is not one of ${AVAILABILITY.join(', ')}`);
    return { kind, agentId, availability: text as Availability };
  }
  if (text === '') return kind === 'announce' ? { kind, agentId, announcement: null } : { kind, agentId, state: null };
  if (payload.length > 256 * 1024) throw new Error(`${kind} payload is too large (${payload.length} bytes)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${kind} payload is not JSON`);
  }
  if (kind === 'announce') {
    const first = Value.Errors(AgentAnnouncement, json).First();
    if (first) throw new Error(`announcement${first.path.replaceAll('/', '.')}: ${first.message}`);
    const announcement = json as AgentAnnouncement;
    if (announcement.agentId !== agentId) throw new Error(`announcement for "${announcement.agentId}" arrived on the topic of "${agentId}"`);
    return { kind, agentId, announcement };
  }
  const first = Value.Errors(AgentStatePayload, json).First();
  if (first) throw new Error(`state${first.path.replaceAll('/', '.')}: ${first.message}`);
  return { kind, agentId, state: json as AgentStatePayload };
}
