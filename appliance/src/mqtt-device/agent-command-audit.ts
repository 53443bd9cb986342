import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { HEARTH_ROOT, parseAgentCommandTopic, type Principal } from '@hearth/protocol';
import { readDeviceSettings } from './device-settings.js';

const AGENT_COMMANDS = `${HEARTH_ROOT}/agent/+/cmd/+`;

/**
 * With an external broker (Mosquitto) Home Assistant's commands to agents never pass through the
 * appliance's code, so it audits them as it sees them: at the same moment the agent gets them,
 * not before (the embedded broker writes the entry before delivering, in mqtt-access.ts).
 */
export const agentCommandAuditPlugin = fp(
  async (app: FastifyInstance, opts: { mqtt: MqttClient; log: Logger }) => {
    // Only Home Assistant may publish commands (the broker's ACL): its MQTT principal is the actor.
    const actor = (): Principal => {
      const id = readDeviceSettings(app.settings).principalDeviceId;
      const device = id === undefined ? undefined : app.devices.byId(id);
      return device ? { kind: 'device', id: device.id, deviceKind: 'home-assistant', name: device.name } : { kind: 'anonymous' };
    };
    const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean }) => {
      const command = parseAgentCommandTopic(topic);
      if (!command) return;
      app.audit.record({
        actor: actor(),
        action: 'agent.command',
        target: `agent:${command.agentId.slice(0, 48)}`,
        detail: {
          via: 'mqtt',
          observed: true,
          command: command.command.slice(0, 40),
          payload: payload.toString('utf8').slice(0, 20),
          ...(packet.retain ? { retained: true } : {}),
        },
      });
    };
    const subscribe = () =>
      opts.mqtt.subscribe(AGENT_COMMANDS, { qos: 1 }, (err) => {
        if (err) opts.log.error({ err: err.message }, 'could not subscribe to agent commands for the audit log');
      });
    // After mqtt-device's onReady has made the principal.
    app.addHook('onReady', (done) => {
      opts.mqtt.on('message', onMessage);
      opts.mqtt.on('connect', subscribe);
      if (opts.mqtt.connected) subscribe();
      done();
    });
    app.addHook('onClose', (_instance, done) => {
      opts.mqtt.off('message', onMessage);
      opts.mqtt.off('connect', subscribe);
      done();
    });
  },
  { name: 'hearth-agent-command-audit', dependencies: ['hearth-mqtt-device'], encapsulate: true },
);
