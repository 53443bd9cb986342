import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HA_DISCOVERY_MODES } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';
import { updateDeviceSettings } from './device-settings.js';
import type { MqttDevice } from './mqtt-device.js';

const MqttDeviceView = Type.Object(
  {
    /** `component` for Home Assistant up to 2024.10; `device` (one payload per device) from 2024.11. */
    discoveryMode: Type.Union(HA_DISCOVERY_MODES.map((m) => Type.Literal(m))),
  },
  { additionalProperties: false },
);

/** `GET/PUT /api/admin/mqtt-device`: how the appliance announces itself to Home Assistant over MQTT. */
export const mqttDeviceRoutes: FastifyPluginAsyncTypebox<{ device: MqttDevice }> = async (app, { device }) => {
  app.get('/api/admin/mqtt-device', {
    config: { access: ADMIN },
    schema: { tags: ['home-assistant'], summary: 'MQTT discovery settings of the appliance', response: { 200: MqttDeviceView } },
  }, async () => ({ discoveryMode: device.discoveryMode }));

  app.put('/api/admin/mqtt-device', {
    config: { access: ADMIN },
    schema: { tags: ['home-assistant'], summary: 'Change how the appliance announces itself to Home Assistant', body: MqttDeviceView, response: { 200: MqttDeviceView } },
  }, async (request) => {
    const before = device.discoveryMode;
    await updateDeviceSettings(app.settings, { discoveryMode: request.body.discoveryMode });
    await device.setDiscoveryMode(request.body.discoveryMode);
    app.audit.record({ actor: request.principal, action: 'settings.changed', target: 'settings:mqttDevice', ip: request.ip, detail: { discoveryMode: { from: before, to: request.body.discoveryMode } } });
    return { discoveryMode: device.discoveryMode };
  });
};
