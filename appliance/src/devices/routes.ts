import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DEVICE_KINDS, SafeName } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';
import { notFound } from '../http/errors.js';
import { IdParams, strict } from '../accounts/schemas.js';

const DeviceKind = Type.Union(DEVICE_KINDS.map((k) => Type.Literal(k)));
const DeviceView = Type.Object({
  id: Type.Integer(),
  kind: DeviceKind,
  name: Type.String(),
  createdAt: Type.Integer(),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
  lastSeenAt: Type.Union([Type.Integer(), Type.Null()]),
  /** Agents: the id its token signed in to the embedded MQTT broker as (`agent-<id>`), once it has. */
  mqttAgentId: Type.Union([Type.String(), Type.Null()]),
});

/** Device principals: kiosks, GPU agents, Home Assistant. Tokens are shown once, at creation. */
export const deviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { devices, audit } = app;
  const view = (d: ReturnType<typeof devices.list>[number]) => ({
    id: d.id,
    kind: d.kind,
    name: d.name,
    createdAt: d.createdAt,
    revokedAt: d.revokedAt,
    lastSeenAt: d.lastSeenAt,
    mqttAgentId: d.mqttAgentId,
  });

  app.get(
    '/api/admin/devices',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Devices and their tokens’ state', response: { 200: Type.Object({ devices: Type.Array(DeviceView) }) } },
    },
    async () => ({ devices: devices.list().map(view) }),
  );

  app.post(
    '/api/admin/devices',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Create a device and its token (shown only in this answer)',
        body: Type.Object({ kind: DeviceKind, name: SafeName({ maxLength: 60 }) }, strict),
        response: { 201: Type.Object({ device: DeviceView, token: Type.String() }) },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      const { device, token } = devices.create(request.body.kind, request.body.name, p.kind === 'user' ? p.id : null);
      audit.record({ actor: p, action: 'device.created', target: `device:${device.id}`, ip: request.ip, detail: { kind: device.kind, name: device.name } });
      return reply.code(201).send({ device: view(device), token });
    },
  );

  app.delete(
    '/api/admin/devices/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Revoke a device’s token', params: IdParams },
    },
    async (request, reply) => {
      if (!devices.revoke(request.params.id)) throw notFound('Active device');
      audit.record({ actor: request.principal, action: 'device.revoked', target: `device:${request.params.id}`, ip: request.ip });
      // A revoked kiosk must blank now, not at its next reconnect.
      app.bus.emit('device.revoked', { deviceId: request.params.id });
      return reply.code(204).send();
    },
  );
};
