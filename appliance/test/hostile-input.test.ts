import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';
import { scrub } from '../src/audit/audit-log.js';

// Issue 12, items 4, 5, 6 and 11: hostile bodies, paths and names get a 4xx naming the problem,
// the process stays up, and nothing is half-done or unaudited.

let t: TestAppliance;
let admin: HttpClient;
let child: HttpClient;

beforeAll(async () => {
  t = await startTestAppliance({ product: true });
  admin = await t.admin();
  child = await t.user(admin, 'child');
}, 60_000);
afterAll(() => t?.close());

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const post = (c: HttpClient, path: string, json: string) => c.post(path, json, { 'content-type': 'application/json' });

describe('deep JSON', () => {
  it('is refused at parse time with 400 on job, preset and smart-home calls — even from a child', async () => {
    const deep = nested(5000);
    const calls: Array<[HttpClient, string, string]> = [
      [child, '/api/jobs', `{"type":"image.upscale","input":{"x":${deep}}}`],
      [admin, '/api/admin/presets', `{"name":"deep","type":"image.upscale","input":{"x":${deep}}}`],
      [admin, '/api/ha/services/light/turn_on', `{"entityId":"light.kitchen","data":{"x":${deep}}}`],
    ];
    for (const [client, path, body] of calls) {
      const res = await post(client, path, body);
      expect(res.status, path).toBe(400);
      expect(res.json.message).toMatch(/^body nests objects or arrays more than \d+ levels deep/);
    }
    // A body at the bound is fine as far as parsing goes (it then fails the job schema, naming the field).
    const shallow = await post(child, '/api/jobs', `{"type":"image.upscale","input":{"x":${nested(20)}}}`);
    expect(shallow.status).toBe(400);
    expect(shallow.json.message).toMatch(/^input/);
    expect((await t.client().get('/healthz')).status).toBe(200);
    expect((await admin.get('/api/admin/presets')).json.presets).toEqual([]);
    expect((await admin.get('/api/admin/audit?action=ha.service')).json.entries).toEqual([]);
  });

  it('brackets inside strings do not count, so text with many brackets is accepted', async () => {
    const res = await admin.post('/api/admin/presets', { name: 'Brackets', type: 'image.generate', input: { prompt: '['.repeat(500) } });
    expect(res.status).toBe(201);
  });

  it('the audit scrubber copes with any depth without recursion and still redacts secrets', () => {
    let deep: Record<string, unknown> = { token: 'secret' };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    expect(() => scrub(deep)).not.toThrow();
    expect(scrub({ a: [{ password: 'x', keep: 1 }], b: { authorization: 'Bearer y' } })).toEqual({
      a: [{ password: '[redacted]', keep: 1 }],
      b: { authorization: '[redacted]' },
    });
  });

  it('writes the smart-home audit entry before the call is made', async () => {
    // Home Assistant is not configured here: the call fails, but the request was written down first.
    const res = await admin.post('/api/ha/services/light/turn_on', { entityId: 'light.kitchen', data: { brightness: 10 } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const requested = (await admin.get('/api/admin/audit?action=ha.service.requested')).json.entries;
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({ target: 'light.kitchen', detail: { service: 'light.turn_on', data: { brightness: 10 } } });
    const settled = (await admin.get('/api/admin/audit?action=ha.service')).json.entries;
    expect(settled[0].id).toBeGreaterThan(requested[0].id);
  });
});

describe('the Home Assistant token and its address', () => {
  let listener: Server;
  let connections = 0;
  let port = 0;
  beforeAll(async () => {
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  it('refuses a new address without a new token, and never connects to it with the stored one', async () => {
    await t.running.app.settings.update((s) => {
      (s as Record<string, unknown>).homeAssistant = { url: 'http://127.0.0.1:1', token: 'stored-long-lived-token-0123456789', kioskEntities: [] };
    });
    const moved = await admin.put('/api/admin/home-assistant', { url: `http://127.0.0.1:${port}` });
    expect(moved.status).toBe(400);
    expect(moved.json.message).toMatch(/^body\.token is required when the address changes/);
    expect(connections).toBe(0);
    expect(t.running.app.settings.get()).toMatchObject({ homeAssistant: { url: 'http://127.0.0.1:1' } });
    // With a token of its own the new address is tried (and, being no Home Assistant, fails).
    const withToken = await admin.put('/api/admin/home-assistant', { url: `http://127.0.0.1:${port}`, token: 'a-new-token-for-the-new-address' });
    expect(withToken.status).toBeGreaterThanOrEqual(400);
    expect(withToken.status).toBeLessThan(500);
    expect(connections).toBeGreaterThan(0);
  });
});

describe('hostile paths and uploads', () => {
  it('answers 4xx to paths with a broken %-escape or one that decodes to a lone "%"', async () => {
    for (const path of ['/kiosk/%25', '/kiosk/assets/%25', '/kiosk/%zz', '/%zz', '/assets/%25zz']) {
      const res = await t.client().get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it('answers 400 to a multipart upload without a boundary', async () => {
    const res = await child.post('/api/media', 'garbage', { 'content-type': 'multipart/form-data' });
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/multipart/);
  });
});

describe('names', () => {
  const hostile = ['Mum\u202Egpj.exe', 'Line\nbreak', 'nul\u0000', 'tab\there', 'iso\u2066late', 'esc\u001b[31m'];

  it('refuses control characters, newlines and bidi overrides in every name a person types', async () => {
    for (const bad of hostile) {
      const preset = await admin.post('/api/admin/presets', { name: bad, type: 'image.generate', input: { prompt: 'x' } });
      expect(preset.status, JSON.stringify(bad)).toBe(400);
      expect(preset.json.message).toMatch(/^body\.name /);
      const job = await child.post('/api/jobs', { type: 'image.upscale', title: bad, input: {} });
      expect(job.status).toBe(400);
      expect(job.json.message).toMatch(/^body\.title /);
      const device = await admin.post('/api/admin/devices', { kind: 'kiosk', name: bad });
      expect(device.status).toBe(400);
      expect(device.json.message).toMatch(/^body\.name /);
      const pairing = await admin.post('/api/admin/kiosk/pairing-codes', { name: bad });
      expect(pairing.status).toBe(400);
      const invite = await admin.post('/api/admin/invites', { role: 'member' });
      const token = String(invite.json.url).split('#')[1];
      const accept = await t.client().post('/api/invites/accept', { token, username: 'newbie', displayName: bad, password: 'a quiet lake at dawn' });
      expect(accept.status).toBe(400);
      expect(accept.json.message).toMatch(/^body\.displayName /);
    }
  });

  it('accepts names in any script, with accents and emoji', async () => {
    const preset = await admin.post('/api/admin/presets', { name: 'Zdjęcie dla Zoë 🌅 — 日の出', type: 'image.generate', input: { prompt: 'x' } });
    expect(preset.status).toBe(201);
  });
});
