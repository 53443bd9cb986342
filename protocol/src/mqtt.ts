import { Type, type Static } from '@sinclair/typebox';
import { AgentVoice, CAPABILITIES } from './jobs.js';
import { SafeName } from './names.js';
import { BackendsView } from './backends.js';

/**
 * Hearth's own MQTT topics. Everything a Hearth process publishes lives under `hearth/<node>/…`
 * (node = an agent id or "appliance"), so a broker ACL can pin each client to its own subtree.
 */
export const HEARTH_ROOT = 'hearth';
export const HA_DISCOVERY_PREFIX = 'homeassistant';
export const HA_STATUS_TOPIC = `${HA_DISCOVERY_PREFIX}/status`;

/** Agent and appliance ids: lowercase, safe in MQTT topics and HA object ids. */
export const NodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,47}$' });

export const agentTopics = (agentId: string) => {
  const base = `${HEARTH_ROOT}/agent/${agentId}`;
  return {
    base,
    /** `online` | `asleep` | `offline` (LWT), retained. */
    availability: `${base}/availability`,
    /** Retained AgentAnnouncement JSON. */
    announce: `${base}/announce`,
    /** Retained JSON of the latest telemetry, one object per GPU plus host values. */
    state: `${base}/state`,
    /** Commands from Home Assistant: `${base}/cmd/<command>`. */
    command: (name: string) => `${base}/cmd/${name}`,
    commandWildcard: `${base}/cmd/+`,
    /** Event entity topic (job started / succeeded / failed). */
    event: `${base}/event`,
  };
};

export const APPLIANCE_NODE_ID = 'appliance';
export const applianceTopics = (nodeId: string = APPLIANCE_NODE_ID) => {
  const base = `${HEARTH_ROOT}/${nodeId}`;
  return {
    base,
    availability: `${base}/availability`,
    state: `${base}/state`,
    /** Retained HaDiscoveryChoice: the discovery form every Hearth device uses (agents follow it). */
    haDiscovery: `${base}/ha-discovery`,
    command: (name: string) => `${base}/cmd/${name}`,
    commandWildcard: `${base}/cmd/#`,
  };
};

/** Wildcards the appliance subscribes to in order to learn about agents. */
export const AGENT_ANNOUNCE_WILDCARD = `${HEARTH_ROOT}/agent/+/announce`;
export const AGENT_AVAILABILITY_WILDCARD = `${HEARTH_ROOT}/agent/+/availability`;

export const AVAILABILITY = ['online', 'asleep', 'offline'] as const;
export type Availability = (typeof AVAILABILITY)[number];

export const Mac = Type.String({ pattern: '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$', description: 'lowercase, colon-separated' });

/** What an agent says about itself (retained), so the appliance can route jobs and wake it. */
export const AgentAnnouncement = Type.Object(
  {
    agentId: NodeId,
    name: SafeName({ maxLength: 80 }),
    version: Type.String({ maxLength: 40 }),
    capabilities: Type.Array(Type.Union(CAPABILITIES.map((c) => Type.Literal(c))), { maxItems: CAPABILITIES.length }),
    /** MACs of the agent's wired/wireless interfaces, for Wake-on-LAN. */
    macs: Type.Array(Mac, { maxItems: 8 }),
    gpus: Type.Array(
      Type.Object(
        { index: Type.Integer({ minimum: 0 }), name: Type.String({ maxLength: 120 }), memoryTotalMiB: Type.Union([Type.Number(), Type.Null()]) },
        { additionalProperties: false },
      ),
      { maxItems: 16 },
    ),
    acceptingJobs: Type.Boolean(),
    /** Voices for `audio.speak` (absent from agents older than the speech runner). */
    voices: Type.Optional(Type.Array(AgentVoice, { maxItems: 200 })),
    /** Its ComfyUI and LLM settings (no secrets) and the checkpoints its ComfyUI offers. */
    backends: Type.Optional(BackendsView),
  },
  { additionalProperties: false },
);
export type AgentAnnouncement = Static<typeof AgentAnnouncement>;

/** Requests from the appliance to one agent (backend settings, tests, workflow imports); see backends.ts. */
export const agentRequestTopic = (agentId: string) => `${HEARTH_ROOT}/${APPLIANCE_NODE_ID}/agent-requests/${agentId}`;
/** An agent's replies to those requests, on its own subtree. */
export const agentReplyTopic = (agentId: string) => `${HEARTH_ROOT}/agent/${agentId}/reply`;
export const AGENT_REPLY_WILDCARD = `${HEARTH_ROOT}/agent/+/reply`;
