import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KioskCalendar, type KioskCalendarEvent } from '@hearth/protocol';
import { HttpError } from '../http/errors.js';
import { HomeAssistantUnavailable } from '../home-assistant/connection.js';
import { currentLayout } from './kiosk-settings.js';

const MAX_EVENTS = 100;
const MAX_SUMMARY = 200;

/** The calendars the admin put on the wall: a screen reads only those, never the house's others. */
function wallCalendars(layout: ReturnType<typeof currentLayout>): string[] {
  return [...new Set(layout.tiles.flatMap((t) => (t.type === 'calendar' ? t.options.entityIds : [])))];
}

/**
 * `GET /api/kiosk/calendar`: today's and tomorrow's events (the appliance's local days) of the
 * layout's calendar tiles, asked from Home Assistant with the appliance's token.
 */
export const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/kiosk/calendar',
    {
      config: { access: ['kiosk', 'admin'] },
      schema: {
        tags: ['kiosk'],
        summary: 'Today’s and tomorrow’s events of the wall’s calendars (HA’s calendar.get_events)',
        response: { 200: KioskCalendar },
      },
    },
    async (_request, reply) => {
      const ids = wallCalendars(currentLayout(app.settings));
      reply.header('cache-control', 'no-store');
      if (ids.length === 0) return { events: [] };
      if (!app.hasDecorator('homeAssistant')) throw new HttpError(404, 'Home Assistant is not part of this appliance');
      const today = new Date();
      today.setHours(0, 0, 0, 0);
      const dayAfterTomorrow = new Date(today);
      dayAfterTomorrow.setDate(today.getDate() + 2);
      let raw: Awaited<ReturnType<typeof app.homeAssistant.calendarEvents>>;
      try {
        raw = await app.homeAssistant.calendarEvents(ids, today, dayAfterTomorrow);
      } catch (err) {
        // The wall keeps what it showed and greys it out; the message is for logs and admins.
        const unavailable = err instanceof HomeAssistantUnavailable;
        throw new HttpError(unavailable ? 503 : 502, `The calendar is not available: ${(err as Error).message}`);
      }
      const events: KioskCalendarEvent[] = raw
        .map((e) => ({ ...e, summary: e.summary.slice(0, MAX_SUMMARY), allDay: !e.start.includes('T') }))
        .sort((a, b) => (a.allDay === b.allDay ? Date.parse(a.start) - Date.parse(b.start) : a.allDay ? -1 : 1))
        .slice(0, MAX_EVENTS);
      return { events };
    },
  );
};
