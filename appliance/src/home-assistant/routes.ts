import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADMIN } from '../http/access.js';
import { HttpError, invalidField } from '../http/errors.js';
import { HomeAssistantError, HomeAssistantUnavailable, probeHomeAssistant, type HomeAssistantLink } from './connection.js';
import { entitiesByArea, listAreas, toEntityView } from './areas.js';
import { checkServiceCall, domainOf, TOGGLEABLE_DOMAINS } from './service-policy.js';
import { EntityId, KioskEntity, NO_HOME_ASSISTANT, type HomeAssistantSettings } from './settings.js';

const strict = { additionalProperties: false } as const;

const StatusView = Type.Object({
  configured: Type.Boolean(),
  url: Type.Union([Type.String(), Type.Null()]),
  tokenSet: Type.Boolean(),
  state: Type.String(),
  version: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
});

const EntityView = Type.Object({
  entityId: Type.String(),
  name: Type.String(),
  state: Type.String(),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  lastChanged: Type.String(),
  controllable: Type.Boolean(),
});

export interface HomeAssistantRoutesOptions {
  link: HomeAssistantLink;
  /** Counts service calls by domain and outcome. */
  countCall(domain: string, outcome: 'ok' | 'denied' | 'failed'): void;
}

/** Turn HA's refusals into answers a person can act on; never hang on a dead Home Assistant. */
function toHttp(err: unknown): Error {
  if (err instanceof HomeAssistantUnavailable) {
    return err.unconfigured
      ? new HttpError(409, 'Home Assistant is not set up yet: an admin enters its address and token under Admin → Smart home')
      : new HttpError(503, err.message);
  }
  if (err instanceof HomeAssistantError) {
    const status = err.code === 'not_found' ? 404 : err.code === 'unauthorized' ? 502 : err.code === 'unknown_error' ? 502 : 400;
    return new HttpError(status, `Home Assistant: ${err.message}`);
  }
  return err as Error;
}

/** Smart-home control for admins, settings, and the kiosk's read-only subset. */
export const homeAssistantRoutes: FastifyPluginAsyncTypebox<HomeAssistantRoutesOptions> = async (app, { link, countCall }) => {
  const section = () => app.settings.section<HomeAssistantSettings>('homeAssistant', NO_HOME_ASSISTANT);
  const status = () => {
    const s = section();
    return {
      configured: Boolean(s.url && s.token),
      url: s.url ?? null,
      tokenSet: Boolean(s.token),
      state: link.status.state,
      version: link.status.version,
      lastError: link.status.lastError,
    };
  };

  app.get(
    '/api/ha/status',
    {
      config: { access: ADMIN },
      schema: { tags: ['home-assistant'], summary: 'Is Home Assistant connected', response: { 200: StatusView } },
    },
    async () => status(),
  );

  app.get(
    '/api/admin/home-assistant',
    {
      config: { access: ADMIN },
      schema: { tags: ['home-assistant'], summary: 'Home Assistant settings (the token is never shown)', response: { 200: StatusView } },
    },
    async () => status(),
  );

  app.put(
    '/api/admin/home-assistant',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['home-assistant'],
        summary: 'Set the Home Assistant address and token (checked by connecting)',
        body: Type.Object(
          {
            url: Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$', maxLength: 500, description: 'e.g. http://homeassistant.local:8123' }),
            token: Type.Optional(Type.String({ minLength: 20, maxLength: 1000, description: 'a long-lived access token; omit to keep the current one' })),
          },
          strict,
        ),
        response: { 200: StatusView },
      },
    },
    async (request) => {
      const url = request.body.url.replace(/\/$/, '');
      const stored = section();
      // The stored token belongs to the stored address: it never goes to a new one.
      if (request.body.token === undefined && stored.token && stored.url && stored.url !== url) {
        throw invalidField({
          message: 'body.token is required when the address changes: the saved token is only sent to the address it was saved for',
          field: 'token',
          code: 'required',
        });
      }
      const token = request.body.token ?? stored.token;
      if (!token) throw invalidField({ message: 'body.token is required the first time', field: 'token', code: 'required' });
      let probe;
      try {
        probe = await probeHomeAssistant({ url, token });
      } catch (err) {
        app.audit.record({
          actor: request.principal,
          action: 'settings.changed',
          target: 'settings:homeAssistant',
          outcome: 'failed',
          ip: request.ip,
          detail: { url, error: (err as Error).message },
        });
        throw new HttpError(400, (err as Error).message);
      }
      await app.settings.update((s) => {
        const current = (s as Record<string, unknown>).homeAssistant as HomeAssistantSettings | undefined;
        (s as Record<string, unknown>).homeAssistant = { ...(current ?? NO_HOME_ASSISTANT), url, token };
      });
      link.configure({ url, token });
      app.audit.record({
        actor: request.principal,
        action: 'settings.changed',
        target: 'settings:homeAssistant',
        ip: request.ip,
        detail: { url, tokenChanged: request.body.token !== undefined, haVersion: probe.version },
      });
      return { ...status(), version: probe.version };
    },
  );

  app.delete(
    '/api/admin/home-assistant',
    {
      config: { access: ADMIN },
      schema: { tags: ['home-assistant'], summary: 'Disconnect Home Assistant and forget the token' },
    },
    async (request, reply) => {
      await app.settings.update((s) => {
        const current = (s as Record<string, unknown>).homeAssistant as HomeAssistantSettings | undefined;
        (s as Record<string, unknown>).homeAssistant = { kioskEntities: current?.kioskEntities ?? [] };
      });
      link.configure(null);
      app.audit.record({
        actor: request.principal,
        action: 'settings.changed',
        target: 'settings:homeAssistant',
        ip: request.ip,
        detail: { disconnected: true },
      });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/ha/areas',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['home-assistant'],
        summary: 'Areas of the house',
        response: { 200: Type.Object({ areas: Type.Array(Type.Object({ areaId: Type.String(), name: Type.String() })) }) },
      },
    },
    async () => {
      try {
        return { areas: await listAreas(link) };
      } catch (err) {
        throw toHttp(err);
      }
    },
  );

  app.get(
    '/api/ha/entities',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['home-assistant'],
        summary: 'Entities grouped by area and domain, with state',
        response: {
          200: Type.Object({
            areas: Type.Array(
              Type.Object({
                areaId: Type.Union([Type.String(), Type.Null()]),
                name: Type.String(),
                domains: Type.Array(Type.Object({ domain: Type.String(), entities: Type.Array(EntityView) })),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      try {
        return { areas: await entitiesByArea(link) };
      } catch (err) {
        throw toHttp(err);
      }
    },
  );

  app.post(
    '/api/ha/services/:domain/:service',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['home-assistant'],
        summary: 'Call a Home Assistant service on entities of an allowed domain',
        params: Type.Object({ domain: Type.String({ pattern: '^[a-z_]{1,64}$' }), service: Type.String({ pattern: '^[a-z0-9_]{1,64}$' }) }, strict),
        body: Type.Object(
          {
            entityId: Type.Union([EntityId, Type.Array(EntityId, { minItems: 1, maxItems: 50 })]),
            data: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z0-9_]{1,64}$' }), Type.Unknown(), { maxProperties: 20 })),
            confirm: Type.Optional(Type.Boolean({ description: 'required for locks and alarms' })),
          },
          strict,
        ),
        response: { 200: Type.Object({ ok: Type.Literal(true), states: Type.Array(EntityView) }) },
      },
    },
    async (request) => {
      const { domain, service } = request.params;
      const entityIds = [request.body.entityId].flat();
      const target = entityIds.join(',');
      const record = (outcome: 'ok' | 'denied' | 'failed', result: string) => {
        countCall(domain, outcome);
        app.audit.record({
          actor: request.principal,
          action: 'ha.service',
          target,
          outcome,
          ip: request.ip,
          detail: { service: `${domain}.${service}`, data: request.body.data ?? {}, result },
        });
      };
      try {
        checkServiceCall(domain, entityIds, request.body.confirm);
      } catch (err) {
        record('denied', (err as Error).message);
        throw err;
      }
      // Written before the call: if the audit log cannot take it, the house is not touched.
      app.audit.record({
        actor: request.principal,
        action: 'ha.service.requested',
        target,
        ip: request.ip,
        detail: { service: `${domain}.${service}`, data: request.body.data ?? {} },
      });
      try {
        await link.send({ type: 'call_service', domain, service, service_data: request.body.data ?? {}, target: { entity_id: entityIds } });
      } catch (err) {
        const httpErr = toHttp(err);
        record('failed', httpErr.message);
        throw httpErr;
      }
      record('ok', 'ok');
      return {
        ok: true as const,
        states: entityIds
          .map((id) => link.entity(id))
          .filter((s) => s !== undefined)
          .map(toEntityView),
      };
    },
  );

  // The kiosk's subset: admins choose entities; the kiosk sees only those and toggles only the allowed.
  app.get(
    '/api/admin/kiosk/entities',
    {
      config: { access: ADMIN },
      schema: { tags: ['kiosk'], summary: 'Entities shown on the kiosk', response: { 200: Type.Object({ entities: Type.Array(KioskEntity) }) } },
    },
    async () => ({ entities: section().kioskEntities }),
  );

  app.put(
    '/api/admin/kiosk/entities',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['kiosk'],
        summary: 'Choose the kiosk’s entities and which it may toggle',
        body: Type.Object({ entities: Type.Array(KioskEntity, { maxItems: 50 }) }, strict),
        response: { 200: Type.Object({ entities: Type.Array(KioskEntity) }) },
      },
    },
    async (request) => {
      const entities = request.body.entities;
      const notToggleable = entities.find((e) => e.allowToggle && !TOGGLEABLE_DOMAINS.has(domainOf(e.entityId)));
      if (notToggleable)
        throw new HttpError(400, `body.entities: ${notToggleable.entityId} cannot be toggled from the kiosk (only ${[...TOGGLEABLE_DOMAINS].join(', ')})`);
      const before = section().kioskEntities;
      await app.settings.update((s) => {
        const current = (s as Record<string, unknown>).homeAssistant as HomeAssistantSettings | undefined;
        (s as Record<string, unknown>).homeAssistant = { ...(current ?? NO_HOME_ASSISTANT), kioskEntities: entities };
      });
      app.audit.record({
        actor: request.principal,
        action: 'settings.changed',
        target: 'settings:kioskEntities',
        ip: request.ip,
        detail: { before, after: entities },
      });
      return { entities };
    },
  );

  app.get(
    '/api/kiosk/entities',
    {
      config: { access: ['kiosk', 'admin'] },
      schema: {
        tags: ['kiosk'],
        summary: 'The kiosk’s entities with their current state',
        response: {
          200: Type.Object({
            connected: Type.Boolean(),
            entities: Type.Array(Type.Object({ ...EntityView.properties, allowToggle: Type.Boolean(), available: Type.Boolean() })),
          }),
        },
      },
    },
    async () => ({
      connected: link.status.state === 'connected',
      entities: section().kioskEntities.map(({ entityId, allowToggle }) => {
        const state = link.entity(entityId);
        return state
          ? { ...toEntityView(state), allowToggle, available: state.state !== 'unavailable' }
          : { entityId, name: entityId, state: 'unknown', attributes: {}, lastChanged: '', controllable: false, allowToggle, available: false };
      }),
    }),
  );

  app.get(
    '/api/kiosk/forecast/:entityId',
    {
      config: { access: ['kiosk', 'admin'] },
      schema: {
        tags: ['kiosk'],
        summary: 'Today and the next three days for a weather entity on the kiosk (HA’s weather.get_forecasts)',
        params: Type.Object({ entityId: Type.String({ pattern: '^weather\\.[a-z0-9_]{1,100}$', maxLength: 120 }) }, strict),
        response: {
          200: Type.Object({
            forecast: Type.Array(
              Type.Object({
                datetime: Type.String(),
                condition: Type.Union([Type.String(), Type.Null()]),
                temperature: Type.Union([Type.Number(), Type.Null()]),
                templow: Type.Union([Type.Number(), Type.Null()]),
              }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const { entityId } = request.params;
      if (!section().kioskEntities.some((e) => e.entityId === entityId))
        throw new HttpError(403, 'This weather entity is not among the wall display’s entities');
      let answer: { response?: Record<string, { forecast?: unknown }> };
      try {
        answer = await link.send({
          type: 'call_service',
          domain: 'weather',
          service: 'get_forecasts',
          service_data: { type: 'daily' },
          target: { entity_id: entityId },
          return_response: true,
        });
      } catch (err) {
        throw toHttp(err);
      }
      const raw = answer.response?.[entityId]?.forecast;
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      const forecast = (Array.isArray(raw) ? (raw as Array<Record<string, unknown>>) : []).slice(0, 4).map((f) => ({
        datetime: typeof f.datetime === 'string' ? f.datetime : '',
        condition: typeof f.condition === 'string' ? f.condition : null,
        temperature: num(f.temperature),
        templow: num(f.templow),
      }));
      reply.header('cache-control', 'no-store');
      return { forecast };
    },
  );

  app.post(
    '/api/kiosk/entities/:entityId/toggle',
    {
      config: { access: ['kiosk'] },
      schema: {
        tags: ['kiosk'],
        summary: 'Toggle an entity the admin allowed the kiosk to toggle',
        params: Type.Object({ entityId: EntityId }, strict),
        response: { 200: Type.Object({ ok: Type.Literal(true) }) },
      },
    },
    async (request) => {
      const { entityId } = request.params;
      const allowed = section().kioskEntities.find((e) => e.entityId === entityId)?.allowToggle === true && TOGGLEABLE_DOMAINS.has(domainOf(entityId));
      const domain = domainOf(entityId);
      if (!allowed) {
        countCall(domain, 'denied');
        app.audit.record({ actor: request.principal, action: 'ha.kiosk-toggle', target: entityId, outcome: 'denied', ip: request.ip });
        throw new HttpError(403, 'This screen may not switch that');
      }
      try {
        await link.send({ type: 'call_service', domain, service: 'toggle', service_data: {}, target: { entity_id: entityId } });
      } catch (err) {
        countCall(domain, 'failed');
        throw toHttp(err);
      }
      countCall(domain, 'ok');
      app.audit.record({ actor: request.principal, action: 'ha.kiosk-toggle', target: entityId, ip: request.ip });
      return { ok: true as const };
    },
  );
};
