import { mqttUsername } from '@hearth/protocol';
import type { AgentConfig } from '../config.js';

/**
 * The agent's MQTT user: the one inside MQTT_URL when it has one (a Mosquitto user made by the
 * provisioning scripts), else `agent-<id>` with the agent token, which is what the appliance's
 * embedded broker accepts.
 */
export function mqttCredentials(config: Pick<AgentConfig, 'mqttUrl' | 'agentId' | 'agentToken'>): { username?: string; password?: string } {
  let hasUser = false;
  try {
    hasUser = new URL(config.mqttUrl).username !== '';
  } catch {
    // the config schema already checked the URL's shape
  }
  if (hasUser || !config.agentToken) return {};
  return { username: mqttUsername({ kind: 'agent', agentId: config.agentId }), password: config.agentToken };
}
