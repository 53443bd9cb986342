import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KioskControl as KioskControlSchema, KioskLayout, KioskPresenceState } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';
import { invalidField } from '../http/errors.js';
import type { KioskControl } from './kiosk-control.js';
import type { PresenceMachine } from './presence.js';
import { layoutProblem } from './layout.js';
import { currentLayout } from './kiosk-settings.js';

/** Admins arrange the wall display and can drive it by hand (Home Assistant drives it over MQTT). */
export const layoutRoutes: FastifyPluginAsyncTypebox<{ control: KioskControl; presence: PresenceMachine }> = async (app, { control, presence }) => {
  const { audit, settings } = app;

  app.get(
    '/api/admin/kiosk/layout',
    {
      config: { access: ADMIN },
      schema: { tags: ['kiosk'], summary: 'The wall display’s layout', response: { 200: KioskLayout } },
    },
    async () => currentLayout(settings),
  );

  app.put(
    '/api/admin/kiosk/layout',
    {
      config: { access: ADMIN },
      schema: { tags: ['kiosk'], summary: 'Replace the wall display’s layout (open walls redraw at once)', body: KioskLayout, response: { 200: KioskLayout } },
    },
    async (request) => {
      const problem = layoutProblem(request.body);
      if (problem) throw invalidField(problem);
      await settings.update((draft) => {
        draft.kiosk = { ...draft.kiosk, layout: request.body };
      });
      audit.record({ actor: request.principal, action: 'kiosk.layout.changed', ip: request.ip, detail: { tiles: request.body.tiles.length } });
      return currentLayout(settings);
    },
  );

  app.get(
    '/api/admin/kiosk/control',
    {
      config: { access: ADMIN },
      schema: { tags: ['kiosk'], summary: 'Night mode and page of the wall display, as last set', response: { 200: KioskControlSchema } },
    },
    async () => control.get(),
  );

  app.put(
    '/api/admin/kiosk/control',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['kiosk'],
        summary: 'Set night mode or the page by hand',
        body: Type.Partial(KioskControlSchema, { additionalProperties: false }),
        response: { 200: KioskControlSchema },
      },
    },
    async (request) => {
      const next = await control.set(request.body);
      audit.record({ actor: request.principal, action: 'kiosk.control.changed', ip: request.ip, detail: request.body });
      return next;
    },
  );

  app.get(
    '/api/admin/kiosk/presence',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['kiosk'],
        summary: 'Whether the wall is awake, a photo frame or dark, and whether anyone is there',
        response: { 200: KioskPresenceState },
      },
    },
    async () => presence.get(),
  );

  app.put(
    '/api/admin/kiosk/screen',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['kiosk'],
        summary: 'Wake the wall (on) or switch its screen off until someone comes (off)',
        body: Type.Object({ on: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: KioskPresenceState },
      },
    },
    async (request) => {
      audit.record({ actor: request.principal, action: 'kiosk.screen.changed', ip: request.ip, detail: { on: request.body.on } });
      if (request.body.on) presence.wake();
      else presence.sleep();
      return presence.get();
    },
  );
};
