import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADMIN } from '../http/access.js';
import { GeneralSettings } from './schema.js';

/** Settings every capability shares; capabilities add routes for their own sections. */
export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/settings',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'All settings, secrets removed', response: { 200: Type.Record(Type.String(), Type.Unknown()) } },
    },
    async () => app.settings.redacted(),
  );

  app.put(
    '/api/admin/settings/general',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Change general settings', body: GeneralSettings, response: { 200: GeneralSettings } },
    },
    async (request) => {
      const before = app.settings.get().general;
      const saved = await app.settings.update((s) => {
        s.general = request.body;
      });
      app.audit.record({
        actor: request.principal,
        action: 'settings.changed',
        target: 'settings:general',
        ip: request.ip,
        detail: { before, after: saved.general },
      });
      return saved.general;
    },
  );
};
