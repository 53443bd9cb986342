import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KIOSK_LAYOUT } from '@hearth/protocol';
import { startTestAppliance, type TestAppliance } from '../../test/support/harness.js';
import { HttpClient } from '../../test/support/http-client.js';
import { eventsPlugin } from '../events/plugin.js';
import { kioskFeedPlugin } from './plugin.js';

let t: TestAppliance;
let admin: HttpClient;

beforeAll(async () => {
  t = await startTestAppliance({
    capabilities: () => [
      async (app) => {
        await app.register(eventsPlugin, { version: 'test-1' });
      },
      async (app) => {
        await app.register(kioskFeedPlugin, { version: 'test-1', publicUrl: undefined });
      },
    ],
    sessionPolicy: { idleMs: 3600_000, absoluteMs: 7200_000, device: { idleMs: 3600_000, absoluteMs: 365 * 24 * 3600_000 } },
  });
  admin = await t.admin();
});
afterAll(() => t?.close());

async function pairedKiosk(name = 'Kitchen'): Promise<{ kiosk: HttpClient; deviceId: number }> {
  const made = await admin.post('/api/admin/kiosk/pairing-codes', { name });
  expect(made.status).toBe(201);
  const kiosk = t.client();
  const paired = await kiosk.post('/api/kiosk/pair', { code: made.json.code });
  expect(paired.status).toBe(200);
  return { kiosk, deviceId: paired.json.device.id };
}

/** Read SSE frames until `until` says stop (or the stream ends); returns the events seen. */
async function readEvents(c: HttpClient, until: (events: Array<{ event: string; data: unknown }>) => boolean, onOpen?: () => Promise<void>) {
  const res = await fetch(new URL('/api/events', t.url), { headers: { cookie: c.cookie! } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = '';
  let opened = false;
  try {
    for (;;) {
      // The appliance cutting the socket shows up as an error of the read.
      const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (done) return { events, ended: true };
      buffer += new TextDecoder().decode(value);
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      if (!opened && events.some((e) => e.event === 'hello')) {
        opened = true;
        await onOpen?.();
      }
      if (until(events)) return { events, ended: false };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

describe('kiosk pairing', () => {
  it('makes a short one-time code with a link, stored only as a hash, and audited', async () => {
    const res = await admin.post('/api/admin/kiosk/pairing-codes', { name: 'Hall' });
    expect(res.status).toBe(201);
    expect(res.json.code).toMatch(/^[2-9A-HJKMNP-TV-Z]{8}$/);
    expect(res.json.url).toBe(`${t.url}/kiosk#pair=${res.json.code}`);
    expect(res.json.expiresAt - Date.now()).toBeGreaterThan(14 * 60_000);
    const rows = t.running.app.db.prepare('SELECT code_hash FROM kiosk_pairing_codes').all() as Array<{ code_hash: string }>;
    expect(rows.some((r) => r.code_hash.includes(res.json.code))).toBe(false);
    const audit = await admin.get('/api/admin/audit?action=kiosk.');
    expect(audit.text).toContain('kiosk.pairing-code.created');
    expect(audit.text).not.toContain(res.json.code);
  });

  it('pairs once: the screen gets a device cookie session, a reused code is refused with 410', async () => {
    const made = await admin.post('/api/admin/kiosk/pairing-codes', { name: 'Kitchen' });
    const kiosk = t.client();
    expect((await kiosk.get('/api/kiosk/feed')).status).toBe(401);
    // Typed with a dash and in lower case, as a person would.
    const code = String(made.json.code);
    const paired = await kiosk.post('/api/kiosk/pair', { code: `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}` });
    expect(paired.status).toBe(200);
    const cookie = paired.headers.getSetCookie().find((c) => c.startsWith('hearth_session='))!;
    // A year, not the 2-hour limit of people's sessions in this test.
    const expires = Date.parse(/Expires=([^;]+)/i.exec(cookie)![1]!);
    expect(expires - Date.now()).toBeGreaterThan(360 * 24 * 3600_000);

    const feed = await kiosk.get('/api/kiosk/feed');
    expect(feed.status).toBe(200);
    expect(feed.json.kiosk.name).toBe('Kitchen');
    expect(feed.json.layout).toEqual(DEFAULT_KIOSK_LAYOUT);
    expect(feed.json.control).toEqual({ nightMode: false, page: 'home' });
    expect(feed.json.version).toBe('test-1');
    expect((await kiosk.get('/api/whoami')).json).toMatchObject({ kind: 'device', role: 'kiosk', name: 'Kitchen' });
    // A kiosk is not a person: the admin pages stay shut.
    expect((await kiosk.get('/api/admin/kiosk/layout')).status).toBe(403);

    const again = await t.client().post('/api/kiosk/pair', { code });
    expect(again.status).toBe(410);
    expect(again.json.message).toMatch(/already used/);
    const devices = (await admin.get('/api/admin/devices')).json.devices.filter((d: { name: string }) => d.name === 'Kitchen');
    expect(devices).toHaveLength(1);
    expect(devices[0].kind).toBe('kiosk');
    // The admin page tells when the screen was last heard from, cookie session or not.
    expect(devices[0].lastSeenAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses an expired or unknown code with 410', async () => {
    const made = await admin.post('/api/admin/kiosk/pairing-codes', { name: 'Late' });
    t.running.app.db.prepare('UPDATE kiosk_pairing_codes SET expires_at = ? WHERE name = ?').run(Date.now() - 1, 'Late');
    const late = await t.client().post('/api/kiosk/pair', { code: made.json.code });
    expect(late.status).toBe(410);
    expect(late.json.message).toMatch(/expired/);
    expect((await t.client().post('/api/kiosk/pair', { code: 'ZZZZZZZZ' })).status).toBe(410);
    expect((await t.client().post('/api/kiosk/pair', { code: 'x', extra: 1 })).status).toBe(400);
  });

  it('survives a restart, and ends at once — live stream included — when the device is revoked', async () => {
    const { kiosk, deviceId } = await pairedKiosk('Revoked');
    await t.restart();
    expect((await kiosk.get('/api/kiosk/feed')).status).toBe(200);
    const { ended } = await readEvents(
      kiosk,
      () => false,
      async () => {
        expect((await admin.delete(`/api/admin/devices/${deviceId}`)).status).toBe(204);
      },
    );
    expect(ended).toBe(true);
    expect((await kiosk.get('/api/kiosk/feed')).status).toBe(401);
    expect((await fetch(new URL('/api/events', t.url), { headers: { cookie: kiosk.cookie! } })).status).toBe(401);
  });
});

describe('kiosk layout and control', () => {
  const layout = () => structuredClone(DEFAULT_KIOSK_LAYOUT);

  it('accepts a valid layout and hands it to the kiosk', async () => {
    const next = layout();
    next.tiles.pop();
    next.tiles.push({ type: 'weather', x: 0, y: 2, w: 2, h: 1, options: { entityId: 'weather.home' } });
    next.tiles.push({ type: 'entities', x: 2, y: 2, w: 2, h: 1, options: { entityIds: ['light.kitchen', 'switch.kettle'] } });
    const res = await admin.put('/api/admin/kiosk/layout', next);
    expect(res.status).toBe(200);
    const { kiosk } = await pairedKiosk('Layout');
    expect((await kiosk.get('/api/kiosk/feed')).json.layout).toEqual(next);
    expect((await admin.get('/api/admin/kiosk/layout')).json).toEqual(next);
  });

  it('refuses overlapping, out-of-grid, unknown and malformed tiles, naming the tile', async () => {
    const overlap = layout();
    overlap.tiles.push({ type: 'clock', x: 3, y: 0, w: 1, h: 1, options: {} });
    let res = await admin.put('/api/admin/kiosk/layout', overlap);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/body\.tiles\.4 \(clock\) overlaps body\.tiles\.1/);

    const outside = layout();
    outside.tiles[0]!.w = 5;
    res = await admin.put('/api/admin/kiosk/layout', outside);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/body\.tiles\.0 \(clock\) reaches past column 4/);

    for (const bad of [
      { ...layout(), tiles: [{ type: 'iframe', x: 0, y: 0, w: 1, h: 1, options: {} }] },
      { ...layout(), tiles: [{ type: 'weather', x: 0, y: 0, w: 1, h: 1, options: { entityId: 'not an entity' } }] },
      { ...layout(), tiles: [{ type: 'clock', x: 0, y: 0, w: 1, h: 1, options: { script: 'alert(1)' } }] },
      { ...layout(), night: { ...layout().night, from: '25:00' } },
      { ...layout(), theme: 'dark' },
    ]) {
      res = await admin.put('/api/admin/kiosk/layout', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.message).toMatch(/^body/);
    }
  });

  it('set() is the one entry point: validated, persisted, and sent to kiosks as kiosk.control', async () => {
    const { kiosk } = await pairedKiosk('Control');
    const { events } = await readEvents(
      kiosk,
      (e) => e.some((x) => x.event === 'kiosk.control'),
      async () => {
        await t.running.app.kioskControl.set({ nightMode: true });
      },
    );
    expect(events.find((e) => e.event === 'kiosk.control')!.data).toEqual({ nightMode: true, page: 'home' });
    await expect(t.running.app.kioskControl.set({ page: 'x'.repeat(81) })).rejects.toThrow(/page/);
    await t.restart();
    expect(t.running.app.kioskControl.get()).toEqual({ nightMode: true, page: 'home' });
    const put = await admin.put('/api/admin/kiosk/control', { nightMode: false });
    expect(put.json).toEqual({ nightMode: false, page: 'home' });
    expect((await admin.put('/api/admin/kiosk/control', { dim: true })).status).toBe(400);
  });
});

describe('kiosk layout push', () => {
  it('open walls get a new layout as kiosk.layout when an admin saves it, and nothing when only the control changes', async () => {
    const { kiosk } = await pairedKiosk('Hall');
    const next = { ...structuredClone(DEFAULT_KIOSK_LAYOUT), columns: 6 };
    const { events } = await readEvents(
      kiosk,
      (e) => e.some((x) => x.event === 'kiosk.layout'),
      async () => {
        await t.running.app.kioskControl.set({ page: 'photos' });
        expect((await admin.put('/api/admin/kiosk/layout', next)).status).toBe(200);
      },
    );
    expect(events.filter((e) => e.event === 'kiosk.layout').map((e) => e.data)).toEqual([next]);
    expect(events.some((e) => e.event === 'kiosk.control')).toBe(true);
  });
});
