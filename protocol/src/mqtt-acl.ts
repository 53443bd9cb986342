import { Type, type Static } from '@sinclair/typebox';
import { HA_DISCOVERY_PREFIX, HA_STATUS_TOPIC, HEARTH_ROOT, NodeId, APPLIANCE_NODE_ID } from './mqtt.js';

/**
 * Who may do what on Hearth's MQTT broker. One table for both brokers: the embedded aedes broker
 * enforces it in process, and provisioning/mosquitto/auth.sh writes the same rules as a Mosquitto
 * ACL (a provisioning test compares the two).
 *
 * Users: `appliance`, `homeassistant`, and `agent-<id>` for each GPU agent.
 */
export type MqttIdentity = { kind: 'appliance' } | { kind: 'homeassistant' } | { kind: 'agent'; agentId: string };

export const MQTT_APPLIANCE_USER = 'appliance';
export const MQTT_HOMEASSISTANT_USER = 'homeassistant';
export const MQTT_AGENT_USER_PREFIX = 'agent-';

const NodeIdPattern = new RegExp(NodeId.pattern!);

export function mqttUsername(identity: MqttIdentity): string {
  if (identity.kind === 'agent') return `${MQTT_AGENT_USER_PREFIX}${identity.agentId}`;
  return identity.kind === 'appliance' ? MQTT_APPLIANCE_USER : MQTT_HOMEASSISTANT_USER;
}

/**
 * The identity a username claims, or null when it names no one. An agent may not be called
 * `appliance`: its discovery node id would be the appliance's (`hearth_appliance`).
 */
export function parseMqttUsername(username: string | undefined): MqttIdentity | null {
  if (username === MQTT_APPLIANCE_USER) return { kind: 'appliance' };
  if (username === MQTT_HOMEASSISTANT_USER) return { kind: 'homeassistant' };
  if (!username?.startsWith(MQTT_AGENT_USER_PREFIX)) return null;
  const agentId = username.slice(MQTT_AGENT_USER_PREFIX.length);
  return isMqttAgentId(agentId) ? { kind: 'agent', agentId } : null;
}

export function isMqttAgentId(agentId: string): boolean {
  return NodeIdPattern.test(agentId) && agentId !== APPLIANCE_NODE_ID;
}

/** Topic filters (MQTT wildcards allowed) an identity may read (subscribe to / receive) and write (publish). */
export interface MqttAcl {
  read: string[];
  write: string[];
}

export function mqttAcl(identity: MqttIdentity): MqttAcl {
  const discovery = (nodeId: string) => `${HA_DISCOVERY_PREFIX}/+/hearth_${nodeId}/#`;
  switch (identity.kind) {
    case 'appliance':
      return {
        // Every agent's announcement, availability and state; HA's birth message to re-announce.
        read: [`${HEARTH_ROOT}/${APPLIANCE_NODE_ID}/#`, `${HEARTH_ROOT}/agent/#`, HA_STATUS_TOPIC],
        write: [`${HEARTH_ROOT}/${APPLIANCE_NODE_ID}/#`, discovery(APPLIANCE_NODE_ID)],
      };
    case 'homeassistant':
      return {
        read: [`${HA_DISCOVERY_PREFIX}/#`, `${HEARTH_ROOT}/#`],
        // Only commands and its own birth/last-will message.
        write: [HA_STATUS_TOPIC, `${HEARTH_ROOT}/${APPLIANCE_NODE_ID}/cmd/#`, `${HEARTH_ROOT}/agent/+/cmd/#`],
      };
    case 'agent': {
      const own = `${HEARTH_ROOT}/agent/${identity.agentId}/#`;
      return {
        // Its own subtree (commands for it), what the appliance publishes, and HA's birth message.
        read: [own, `${HEARTH_ROOT}/${APPLIANCE_NODE_ID}/#`, HA_STATUS_TOPIC],
        write: [own, discovery(identity.agentId)],
      };
    }
  }
}

/** Whether `topic` (no wildcards) matches the MQTT filter `filter`. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // [MQTT-4.7.2-1]: wildcards at the first level never match `$SYS`-style topics.
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether every topic the subscription `filter` can match is also matched by `allowed`. */
export function filterCovered(allowed: string, filter: string): boolean {
  const a = allowed.split('/');
  const f = filter.split('/');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '#') return true;
    if (i >= f.length) return false;
    if (f[i] === '#') return false;
    if (a[i] === '+') continue;
    if (f[i] !== a[i]) return false;
  }
  return a.length === f.length;
}

export const mayPublish = (acl: MqttAcl, topic: string): boolean => acl.write.some((p) => topicMatches(p, topic));
export const mayRead = (acl: MqttAcl, topic: string): boolean => acl.read.some((p) => topicMatches(p, topic));
export const maySubscribe = (acl: MqttAcl, filter: string): boolean => acl.read.some((p) => filterCovered(p, filter));

/** A Home Assistant command to an agent (`hearth/agent/<id>/cmd/<name>`), or null. */
export function parseAgentCommandTopic(topic: string): { agentId: string; command: string } | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== HEARTH_ROOT || parts[1] !== 'agent' || parts[3] !== 'cmd') return null;
  return { agentId: parts[2]!, command: parts[4]! };
}

/** `GET /api/admin/mqtt-broker`: where Home Assistant and agents find the broker, for the portal's hints. */
export const MqttBrokerInfo = Type.Object(
  {
    /** The appliance runs the broker itself (MQTT_URL unset). */
    embedded: Type.Boolean(),
    /** Embedded only: its port, and whether it listens beyond this machine (HEARTH_MQTT_HOST). */
    port: Type.Union([Type.Integer(), Type.Null()]),
    reachableFromLan: Type.Boolean(),
    homeAssistantUser: Type.String(),
    agentUserPrefix: Type.String(),
  },
  { additionalProperties: false },
);
export type MqttBrokerInfo = Static<typeof MqttBrokerInfo>;
