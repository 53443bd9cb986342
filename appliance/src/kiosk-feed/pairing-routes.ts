import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KioskPairingCode, SafeName } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';
import { HttpError } from '../http/errors.js';
import type { PairingCodes } from './pairing-codes.js';

const strict = { additionalProperties: false } as const;

/**
 * Pairing a wall display: an admin makes a one-time code in the portal, the kiosk page trades it
 * for a long-lived cookie session of a new `kiosk` device (EventSource cannot send a bearer token).
 */
export const pairingRoutes: FastifyPluginAsyncTypebox<{ codes: PairingCodes; publicUrl: string | undefined }> = async (app, { codes, publicUrl }) => {
  const { audit, devices, sessions, throttle } = app;

  app.post(
    '/api/admin/kiosk/pairing-codes',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['kiosk'],
        summary: 'Make a one-time code (15 minutes) that pairs a wall display',
        body: Type.Object({ name: SafeName({ maxLength: 60, description: 'what the screen is called, e.g. "Kitchen"' }) }, strict),
        response: { 201: KioskPairingCode },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      const { code, expiresAt } = codes.create(request.body.name, p.kind === 'user' ? p.id : null);
      audit.record({ actor: p, action: 'kiosk.pairing-code.created', ip: request.ip, detail: { name: request.body.name, expiresAt } });
      const base = (publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
      return reply.code(201).send({ code, url: `${base}/kiosk#pair=${code}`, expiresAt });
    },
  );

  app.post(
    '/api/kiosk/pair',
    {
      config: { access: 'public' },
      schema: {
        tags: ['kiosk'],
        summary: 'Pair this browser as a wall display (sets its device session cookie)',
        body: Type.Object({ code: Type.String({ minLength: 6, maxLength: 20, description: 'the code shown in the portal' }) }, strict),
        response: { 200: Type.Object({ device: Type.Object({ id: Type.Integer(), name: Type.String() }), csrfToken: Type.String() }) },
      },
    },
    async (request) => {
      // Short codes: a guesser is slowed down the way a password guesser is.
      const keys = [`kiosk-pair:ip:${request.ip}`];
      const waitMs = throttle.retryAfterMs(keys);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new HttpError(429, `Too many wrong codes: try again in ${seconds} s`, { 'retry-after': String(seconds) }, undefined, 'pairing-throttled');
      }
      const found = codes.redeem(request.body.code);
      if ('problem' in found) {
        throttle.fail(keys);
        audit.record({ actor: request.principal, action: 'kiosk.pair-refused', outcome: 'denied', ip: request.ip, detail: { reason: found.problem } });
        throw new HttpError(410, found.problem, {}, undefined, `pairing-${found.reason}`);
      }
      throttle.succeed(keys);
      const { device } = devices.create('kiosk', found.code.name, found.code.createdBy);
      codes.linkDevice(found.code.id, device.id);
      const csrfToken = await sessions.loginDevice(request, device);
      audit.record({ actor: request.principal, action: 'kiosk.paired', target: `device:${device.id}`, ip: request.ip, detail: { name: device.name } });
      return { device: { id: device.id, name: device.name }, csrfToken };
    },
  );
};
