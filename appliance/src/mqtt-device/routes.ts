import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HA_DISCOVERY_MODES, HA_DISCOVERY_SETTINGS } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';
import { updateDeviceSettings } from './device-settings.js';
import type { MqttDevice } from './mqtt-device.js';

const DiscoverySetting = Type.Union(
  HA_DISCOVERY_SETTINGS.map((m) => Type.Literal(m)),
  {
    description:
      '`auto`: device-based discovery when Home Assistant is known to read it (2024.11+), else per-component; `component` or `device` to decide by hand',
  },
);

const MqttDeviceChange = Type.Object({ discoveryMode: DiscoverySetting }, { additionalProperties: false });

const MqttDeviceView = Type.Object(
  {
    discoveryMode: DiscoverySetting,
    /** The form in use by the appliance and every agent. */
    activeMode: Type.Union(HA_DISCOVERY_MODES.map((m) => Type.Literal(m))),
    /** Home Assistant's version as last seen over the websocket link; null when never connected. */
    haVersion: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

/** `GET/PUT /api/admin/mqtt-device`: how the appliance announces itself to Home Assistant over MQTT. */
export const mqttDeviceRoutes: FastifyPluginAsyncTypebox<{ device: MqttDevice }> = async (app, { device }) => {
  app.get(
    '/api/admin/mqtt-device',
    {
      config: { access: ADMIN },
      schema: { tags: ['home-assistant'], summary: 'MQTT discovery settings of the appliance', response: { 200: MqttDeviceView } },
    },
    async () => view(device),
  );

  app.put(
    '/api/admin/mqtt-device',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['home-assistant'],
        summary: 'Change how Hearth announces itself to Home Assistant',
        body: MqttDeviceChange,
        response: { 200: MqttDeviceView },
      },
    },
    async (request) => {
      const before = device.discoverySetting;
      const to = request.body.discoveryMode;
      app.audit.record({
        actor: request.principal,
        action: 'settings.changed',
        target: 'settings:mqttDevice',
        ip: request.ip,
        detail: { discoveryMode: { from: before, to } },
      });
      await updateDeviceSettings(app.settings, { discoveryMode: to });
      await device.setDiscoverySetting(to);
      return view(device);
    },
  );
};

function view(device: MqttDevice) {
  return { discoveryMode: device.discoverySetting, activeMode: device.discoveryMode, haVersion: device.haVersion };
}
