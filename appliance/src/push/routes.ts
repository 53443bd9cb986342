import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PUSH_KINDS, PushStatusView, PushSubscribeBody, PushSubscriptionView, type Principal } from '@hearth/protocol';
import { SIGNED_IN_USERS } from '../http/access.js';
import { HttpError, conflict, notFound } from '../http/errors.js';
import type { HomeAssistantLink } from '../home-assistant/connection.js';
import { checkEndpoint, checkKeys } from './endpoint.js';
import { haNotifyState } from './ha-notify.js';
import { subscriptionView, type SubscriptionStore } from './subscription-store.js';
import type { VapidKeys } from './vapid.js';

/** A family member's devices with notifications; more is an old phone nobody removed. */
export const MAX_DEVICES = 10;

const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export interface PushRouteOptions {
  store: SubscriptionStore;
  vapid: VapidKeys;
  homeAssistant: () => HomeAssistantLink | undefined;
  allowPrivateEndpoints: boolean;
}

/** Web Push for family members: the public key, their devices' subscriptions and what each is told. */
export const pushRoutes: FastifyPluginAsyncTypebox<PushRouteOptions> = async (app, o) => {
  const userOf = (p: Principal) => {
    if (p.kind !== 'user') throw new HttpError(403, 'Only family members get notifications');
    return p;
  };

  app.get(
    '/api/push',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['push'],
        summary: 'The key to subscribe with, your devices with notifications, and whether Home Assistant notifies too',
        response: { 200: PushStatusView },
      },
    },
    async (request, reply) => {
      const user = userOf(request.principal);
      reply.header('cache-control', 'no-store');
      return {
        publicKey: o.vapid.publicKey,
        subscriptions: o.store.ofUser(user.id).map(subscriptionView),
        homeAssistantNotify: await haNotifyState(o.homeAssistant()),
      };
    },
  );

  app.post(
    '/api/push/subscriptions',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['push'],
        summary: 'Turn notifications on for this browser, or change what it is told (the same endpoint again)',
        body: PushSubscribeBody,
        response: { 200: PushSubscriptionView, 201: PushSubscriptionView },
      },
    },
    async (request, reply) => {
      const user = userOf(request.principal);
      const body = request.body;
      const url = checkEndpoint(body.endpoint, o.allowPrivateEndpoints);
      checkKeys(body.keys);
      const existing = o.store.byEndpoint(body.endpoint);
      if (!existing && o.store.countOfUser(user.id) >= MAX_DEVICES) {
        throw conflict(`You already have notifications on ${MAX_DEVICES} devices; remove one in your profile first`);
      }
      const kinds = body.kinds ?? [...PUSH_KINDS];
      // One transaction: the subscription and its audit entry are both written or neither is.
      const { id, created } = app.db.transaction(() => {
        const saved = o.store.upsert({
          userId: user.id,
          endpoint: body.endpoint,
          p256dh: body.keys.p256dh,
          auth: body.keys.auth,
          lang: body.lang,
          kinds,
          vapidKey: o.vapid.publicKey,
          now: Date.now(),
        });
        app.audit.record({
          actor: user,
          action: saved.created ? 'push.subscribed' : 'push.updated',
          target: `push:${saved.id}`,
          ip: request.ip,
          // The push service's host, never the endpoint's path or the keys: those are the device's secrets.
          detail: { service: url.host, kinds, lang: body.lang, ...(existing && existing.user_id !== user.id ? { fromUser: existing.user_id } : {}) },
        });
        return saved;
      })();
      return reply.code(created ? 201 : 200).send(subscriptionView(o.store.get(id)!));
    },
  );

  app.delete(
    '/api/push/subscriptions/:id',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['push'], summary: 'Turn notifications off for one of your devices', params: IdParam, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const user = userOf(request.principal);
      const row = o.store.get(request.params.id);
      // Another member's device is as invisible as a missing one.
      if (!row || row.user_id !== user.id) throw notFound('Subscription');
      app.db.transaction(() => {
        app.audit.record({
          actor: user,
          action: 'push.unsubscribed',
          target: `push:${row.id}`,
          ip: request.ip,
          detail: { service: new URL(row.endpoint).host },
        });
        o.store.remove(row.id);
      })();
      return reply.code(204).send(null);
    },
  );
};
