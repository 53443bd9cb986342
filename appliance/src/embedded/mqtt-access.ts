import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { mqttAcl, mqttUsername, parseAgentCommandTopic, parseMqttUsername, type MqttAcl, type MqttIdentity, type Principal } from '@hearth/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Devices } from '../devices/device-tokens.js';

type DevicePrincipal = Extract<Principal, { kind: 'device' }>;

/** One signed-in client of the embedded broker. */
export interface MqttSession {
  identity: MqttIdentity;
  acl: MqttAcl;
  /** The device token it signed in with (agents and Home Assistant). */
  device?: DevicePrincipal;
}

/** What the embedded broker asks before letting a client in and before delivering a command. */
export interface MqttAccess {
  authenticate(clientId: string, username: string | undefined, password: Buffer | undefined): MqttSession | null;
  /** Runs before a publish this session may make is delivered; throwing refuses it. */
  beforeDeliver(session: MqttSession, topic: string, payload: Buffer, retain: boolean): void;
}

/** The appliance's own MQTT credentials for this run (in memory only: it is the only client that needs them). */
export interface ApplianceMqttCredentials {
  username: string;
  password: string;
}

export function newApplianceCredentials(): ApplianceMqttCredentials {
  return { username: mqttUsername({ kind: 'appliance' }), password: randomBytes(32).toString('base64url') };
}

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest();

/**
 * Users of the embedded broker:
 * - `appliance`: a random password made at each start, held only by the appliance process;
 * - `agent-<id>`: an agent device token as password. The token is bound to `<id>` at its first
 *   sign-in, and a live token owns its id, so one agent can never speak as another;
 * - `homeassistant`: a `home-assistant` device token (Admin → Devices) as password.
 * Client ids starting with `hearth-` are reserved (`hearth-appliance-…`, `hearth-agent-<id>`), so a
 * client cannot push the appliance or an agent off the broker by taking its client id.
 */
export function embeddedMqttAccess(o: { devices: Devices; audit: AuditLog; appliance: ApplianceMqttCredentials; log: Logger }): MqttAccess {
  const applianceDigest = digest(o.appliance.password);
  const refuse = (why: string, username: string | undefined) => {
    o.log.warn({ username: username?.slice(0, 60), why }, 'mqtt: refused a client');
    return null;
  };
  return {
    authenticate(clientId, username, password) {
      const identity = parseMqttUsername(username);
      if (!identity || !password) return refuse(identity ? 'no password' : 'unknown user', username);
      const session: MqttSession = { identity, acl: mqttAcl(identity) };
      if (!clientIdFits(identity, clientId)) return refuse(`client id ${JSON.stringify(clientId.slice(0, 60))} is reserved`, username);
      if (identity.kind === 'appliance') {
        return timingSafeEqual(digest(password), applianceDigest) ? session : refuse('wrong password', username);
      }
      const principal = o.devices.authenticate(password.toString('utf8'));
      if (principal?.kind !== 'device') return refuse('not a live device token', username);
      if (identity.kind === 'homeassistant') {
        return principal.deviceKind === 'home-assistant' ? { ...session, device: principal } : refuse('not a Home Assistant token', username);
      }
      if (principal.deviceKind !== 'agent') return refuse('not an agent token', username);
      if (!o.devices.bindMqttAgent(principal.id, identity.agentId))
        return refuse('this agent token belongs to another agent id, or the id to another token', username);
      return { ...session, device: principal };
    },
    beforeDeliver(session, topic, payload, retain) {
      // Commands to agents never pass through the appliance's code: the broker is the place to audit them first.
      const command = session.identity.kind === 'homeassistant' ? parseAgentCommandTopic(topic) : null;
      if (!command || !session.device) return;
      o.audit.record({
        actor: session.device,
        action: 'agent.command',
        target: `agent:${command.agentId}`,
        detail: { via: 'mqtt', command: command.command.slice(0, 40), payload: payload.toString('utf8').slice(0, 20), ...(retain ? { retained: true } : {}) },
      });
    },
  };
}

function clientIdFits(identity: MqttIdentity, clientId: string): boolean {
  if (identity.kind === 'appliance') return clientId.startsWith('hearth-appliance-');
  if (identity.kind === 'agent') return clientId === `hearth-agent-${identity.agentId}`;
  return !clientId.startsWith('hearth-');
}
