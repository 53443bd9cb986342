import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startHomeAssistant, testedHaVersions, type HomeAssistant, sampleHouse, placeInArea } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import { eventsPlugin } from '../src/events/plugin.js';
import { homeAssistantPlugin } from '../src/home-assistant/plugin.js';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import { HttpClient, type TestResponse } from './support/http-client.js';
import { SseStream } from './support/sse.js';

describe.each(testedHaVersions())('admin smart-home control against a real Home Assistant %s', (version) => {
  let ha: HomeAssistant;
  let t: TestAppliance;
  let admin: HttpClient;
  const logLines: string[] = [];
  /** Every body the appliance sent in this file, for the token scan. */
  const responses: TestResponse[] = [];

  function recording(c: HttpClient): HttpClient {
    const request = c.request.bind(c);
    c.request = async (...args) => {
      const res = await request(...args);
      responses.push(res);
      return res;
    };
    return c;
  }

  const statusIs = async (state: string) =>
    waitFor(async () => (await admin.get('/api/ha/status')).json.state === state, { timeoutMs: 60_000, what: `HA link ${state}` });

  beforeAll(async () => {
    ha = await startHomeAssistant({ version, packages: { house: sampleHouse(version) } });
    // Put the light in an area, as a family would.
    await placeInArea(ha, 'light.kitchen', 'Kitchen');
    t = await startTestAppliance({
      capabilities: (_c, log) => [
        async (app) => {
          await app.register(eventsPlugin, { version: 'test' });
        },
        async (app) => {
          await app.register(homeAssistantPlugin, { log, link: { backoffMinMs: 200, backoffMaxMs: 1000, requestTimeoutMs: 5000, startPollMs: 300 } });
        },
      ],
      logLevel: 'debug',
      logDestination: new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    });
    admin = recording(await t.admin());
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    await ha?.stop();
  });

  describe('Home Assistant settings', () => {
    it('refuses a wrong token or an unreachable address with a clear message', async () => {
      const wrong = await admin.put('/api/admin/home-assistant', { url: ha.url, token: 'x'.repeat(40) });
      expect(wrong.status).toBe(400);
      expect(wrong.json.message).toMatch(/refused the token/);
      const nowhere = await admin.put('/api/admin/home-assistant', { url: 'http://127.0.0.1:9', token: ha.token });
      expect(nowhere.status).toBe(400);
      expect(nowhere.json.message).toMatch(/Could not reach/);
    });

    it('checks the address and token by connecting, and reports the version', async () => {
      const res = await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ configured: true, tokenSet: true, version });
      await statusIs('connected');
      const ready = await t.client().get('/readyz');
      expect(ready.json.checks['home-assistant']).toEqual({ ok: true });
    });
  });

  describe('smart-home control', () => {
    it('lists entities grouped by area and domain', async () => {
      const res = await admin.get('/api/ha/entities');
      expect(res.status).toBe(200);
      const kitchen = res.json.areas.find((a: { name: string }) => a.name === 'Kitchen');
      expect(kitchen.domains).toEqual([
        { domain: 'light', entities: [expect.objectContaining({ entityId: 'light.kitchen', name: 'Kitchen light', controllable: true })] },
      ]);
      expect((await admin.get('/api/ha/areas')).json.areas.map((a: { name: string }) => a.name)).toContain('Kitchen');
    });

    it('toggles a light in HA, and tells admins when HA changes it', async () => {
      const events = await SseStream.open(admin);
      try {
        const on = await admin.post('/api/ha/services/light/turn_on', { entityId: 'light.kitchen' });
        expect(on.status).toBe(200);
        await ha.waitForState('light.kitchen', (s) => s.state === 'on');
        await ha.callService('input_boolean', 'turn_off', { entity_id: 'input_boolean.kitchen_power' });
        const change = await events.next((e) => e.type === 'ha.state' && e.data.entityId === 'light.kitchen' && e.data.state === 'off');
        expect(change.data.attributes.friendly_name).toBe('Kitchen light');
      } finally {
        events.close();
      }
    });

    it('surfaces HA’s own errors as 4xx with its message', async () => {
      const bad = await admin.post('/api/ha/services/light/turn_on', { entityId: 'light.kitchen', data: { brightness: 'very' } });
      expect(bad.status).toBe(400);
      expect(bad.json.message).toMatch(/^Home Assistant: .*brightness/);
      const unknown = await admin.post('/api/ha/services/light/blink', { entityId: 'light.kitchen' });
      expect(unknown.status).toBe(404);
      expect(unknown.json.message).toMatch(/^Home Assistant: .*not found/i);
    });

    it('refuses disallowed domains, and locks without confirmation', async () => {
      const restart = await admin.post('/api/ha/services/homeassistant/restart', { entityId: 'light.kitchen' });
      expect(restart.status).toBe(403);
      const mismatch = await admin.post('/api/ha/services/light/turn_on', { entityId: 'lock.front_door' });
      expect(mismatch.status).toBe(400);
      const unconfirmed = await admin.post('/api/ha/services/lock/unlock', { entityId: 'lock.front_door' });
      expect(unconfirmed.status).toBe(400);
      expect(unconfirmed.json.message).toMatch(/confirm/);
      const confirmed = await admin.post('/api/ha/services/lock/unlock', { entityId: 'lock.front_door', confirm: true });
      expect(confirmed.status).toBe(200);
    });

    it('writes every call to the audit log with principal, target, data and result', async () => {
      const log = await admin.get('/api/admin/audit?action=ha.service&limit=100');
      const outcomes = log.json.entries.map((e: { outcome: string }) => e.outcome);
      expect(outcomes).toEqual(expect.arrayContaining(['ok', 'failed', 'denied']));
      const failed = log.json.entries.find(
        (e: { outcome: string; detail: { data: { brightness?: string } } }) => e.outcome === 'failed' && e.detail.data.brightness,
      );
      expect(failed).toMatchObject({ actorName: 'Admin', target: 'light.kitchen', detail: { service: 'light.turn_on', data: { brightness: 'very' } } });
      expect(failed.detail.result).toMatch(/brightness/);
    });
  });

  describe('who may control the house', () => {
    it('refuses members, children and the kiosk; the kiosk toggles only its allowed entity', async () => {
      const member = recording(await t.user(admin, 'member'));
      const child = recording(await t.user(admin, 'child'));
      const kioskToken = (await admin.post('/api/admin/devices', { kind: 'kiosk', name: 'Kitchen wall' })).json.token;
      const kiosk = recording(HttpClient.device(t.url, kioskToken));
      for (const c of [member, child, kiosk]) {
        expect((await c.post('/api/ha/services/light/toggle', { entityId: 'light.kitchen' })).status).toBe(403);
        expect((await c.get('/api/ha/entities')).status).toBe(403);
      }
      expect((await child.get('/api/kiosk/entities')).status).toBe(403);

      expect(
        (
          await admin.put('/api/admin/kiosk/entities', {
            entities: [
              { entityId: 'light.kitchen', allowToggle: true },
              { entityId: 'lock.front_door', allowToggle: false },
            ],
          })
        ).status,
      ).toBe(200);
      const seen = await kiosk.get('/api/kiosk/entities');
      expect(seen.json.entities.map((e: { entityId: string }) => e.entityId)).toEqual(['light.kitchen', 'lock.front_door']);
      const before = (await ha.getState('light.kitchen'))!.state;
      expect((await kiosk.post('/api/kiosk/entities/light.kitchen/toggle')).status).toBe(200);
      await ha.waitForState('light.kitchen', (s) => s.state !== before);
      expect((await kiosk.post('/api/kiosk/entities/lock.front_door/toggle')).status).toBe(403);
      expect((await kiosk.post('/api/kiosk/entities/input_boolean.kitchen_power/toggle')).status).toBe(403);
      const toggleable = await admin.put('/api/admin/kiosk/entities', { entities: [{ entityId: 'lock.front_door', allowToggle: true }] });
      expect(toggleable.status).toBe(400);
    });
  });

  describe('Home Assistant restarts and outages', () => {
    it('answers 503 quickly while HA is down, then reconnects and works again', async () => {
      const restarting = ha.restart();
      const down = await waitFor(
        async () => {
          const started = performance.now();
          const res = await admin.post('/api/ha/services/light/turn_on', { entityId: 'light.kitchen' });
          return res.status === 503 ? { res, ms: performance.now() - started } : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'a 503 while HA restarts' },
      );
      expect(down.res.json.message).toMatch(/not connected|connection to Home Assistant lost/i);
      expect(down.ms).toBeLessThan(1000);
      await restarting;
      await statusIs('connected');
      const events = await SseStream.open(admin);
      try {
        expect((await admin.post('/api/ha/services/light/turn_on', { entityId: 'light.kitchen' })).status).toBe(200);
        await ha.waitForState('light.kitchen', (s) => s.state === 'on');
        // The subscription was made again after the restart: changes still reach admins.
        await ha.callService('input_boolean', 'turn_off', { entity_id: 'input_boolean.kitchen_power' });
        await events.next((e) => e.type === 'ha.state' && e.data.entityId === 'light.kitchen' && e.data.state === 'off', 20_000);
      } finally {
        events.close();
      }
    }, 180_000);
  });

  describe('the Home Assistant token', () => {
    it('never appears in a response, a log line, or a built browser asset', async () => {
      // Every GET route an admin can reach, plus everything this file received.
      for (const route of t.running.app.routeTable) {
        if (route.method !== 'GET' || route.url.includes(':') || route.url.includes('*') || route.url === '/api/events') continue;
        await admin.get(route.url);
      }
      expect(responses.length).toBeGreaterThan(20);
      for (const res of responses) expect(res.text).not.toContain(ha.token);
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.join('')).not.toContain(ha.token);
      const settings = await readFile(join(t.dataDir, 'settings.json'), 'utf8');
      expect(settings).toContain(ha.token); // stored server-side, mode 0600 (see validation tests)
      for (const dist of ['appliance/web/dist', 'kiosk/dist']) {
        const root = join(import.meta.dirname, '../..', dist);
        const files = await readdir(root, { recursive: true }).catch(() => [] as string[]);
        for (const f of files) {
          const body = await readFile(join(root, f)).catch(() => Buffer.alloc(0));
          expect(body.includes(ha.token), `${dist}/${f}`).toBe(false);
        }
      }
    });
  });
});
