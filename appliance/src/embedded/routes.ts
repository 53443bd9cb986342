import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MqttBrokerInfo } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';

/** Where Home Assistant and agents sign in to MQTT, for the portal's Devices page. */
export const mqttBrokerRoutes: FastifyPluginAsyncTypebox<{ info: MqttBrokerInfo }> = async (app, opts) => {
  app.get(
    '/api/admin/mqtt-broker',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'The MQTT broker Home Assistant and the agents use', response: { 200: MqttBrokerInfo } },
    },
    async () => opts.info,
  );
};
