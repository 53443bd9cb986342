import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';

let t: TestAppliance;
let admin: HttpClient;

beforeAll(async () => {
  t = await startTestAppliance();
  admin = await t.admin();
});
afterAll(() => t?.close());

describe('bad input', () => {
  it('answers 400 naming the field, and keeps nothing', async () => {
    const before = (await admin.get('/api/admin/invites')).json.invites.length;
    const badRole = await admin.post('/api/admin/invites', { role: 'king' });
    expect(badRole.status).toBe(400);
    expect(badRole.json.message).toMatch(/^body\.role /);
    const unknown = await admin.post('/api/admin/invites', { role: 'member', sneaky: true });
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toBe('body has an unknown field "sneaky"');
    const missing = await t.client().post('/api/auth/login', { username: 'admin' });
    expect(missing.json.message).toBe('body.password is required');
    const shortPassword = await t.client().post('/api/invites/accept', { token: 'x'.repeat(43), username: 'ok-name', displayName: 'x', password: 'short' });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.json.message).toMatch(/^body\.password /);
    expect((await admin.get('/api/admin/invites')).json.invites.length).toBe(before);
  });

  it('answers 413 to an oversize body and 415 to a non-JSON one, and stays up', async () => {
    const huge = await admin.post('/api/admin/invites', { role: 'member', pad: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    const text = await admin.post('/api/admin/invites', 'role=member', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    const broken = await admin.post('/api/admin/invites', '{"role":', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect((await t.client().get('/healthz')).status).toBe(200);
  });

  it('answers unknown URLs with 404 and a message', async () => {
    const res = await t.client().get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json.message).toMatch(/No such page/);
  });
});

describe('account', () => {
  it('changes the password, ending other sessions but keeping this one', async () => {
    const me = await t.user(admin, 'member', 'changer');
    const elsewhere = t.client();
    await elsewhere.post('/api/auth/login', { username: 'changer', password: TEST_PASSWORD });
    const wrong = await me.post('/api/me/password', { currentPassword: 'not it at all', newPassword: 'a new long password' });
    expect(wrong.status).toBe(400);
    expect((await me.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'a new long password' })).status).toBe(204);
    expect((await me.get('/api/me')).status).toBe(200);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
  });

  it('exports my data and lets me delete my account, but not the last admin', async () => {
    const me = await t.user(admin, 'member', 'leaver');
    const exported = await me.get('/api/me/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/attachment/);
    expect(exported.json.account.username).toBe('leaver');
    expect(exported.text).not.toMatch(/argon2|password_hash/);
    expect((await me.delete('/api/me', { password: 'wrong one' })).status).toBe(400);
    expect((await me.delete('/api/me', { password: TEST_PASSWORD })).status).toBe(204);
    expect((await t.client().post('/api/auth/login', { username: 'leaver', password: TEST_PASSWORD })).status).toBe(401);

    const last = await admin.delete('/api/me', { password: TEST_PASSWORD });
    expect(last.status).toBe(409);
    expect(last.json.message).toMatch(/last admin/);
    const demoteSelf = await admin.patch(`/api/admin/users/${(await admin.get('/api/me')).json.user.id}`, { role: 'member' });
    expect(demoteSelf.status).toBe(409);
  });
});

describe('devices', () => {
  it('show a token once, store only its hash, and stop working when revoked', async () => {
    const created = await admin.post('/api/admin/devices', { kind: 'agent', name: 'Gaming PC' });
    expect(created.status).toBe(201);
    const token: string = created.json.token;
    const secret = token.replace(/^hd_\d+_/, '');
    expect(secret).toHaveLength(43);
    const list = await admin.get('/api/admin/devices');
    expect(list.text).not.toContain(secret);
    const stored = t.running.app.db.prepare('SELECT token_hash FROM devices WHERE id = ?').get(created.json.device.id) as { token_hash: string };
    expect(stored.token_hash).not.toContain(secret);
    const whoami = await fetch(`${t.url}/api/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(await whoami.json()).toMatchObject({ kind: 'device', role: 'agent', name: 'Gaming PC' });
    expect((await admin.delete(`/api/admin/devices/${created.json.device.id}`)).status).toBe(204);
    const after = await fetch(`${t.url}/api/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    const audit = await admin.get('/api/admin/audit?action=device.');
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toEqual(['device.revoked', 'device.created']);
  });
});

describe('settings', () => {
  it('are written with mode 0600, audited, and never show secrets', async () => {
    const res = await admin.put('/api/admin/settings/general', { familyName: 'The Nowaks' });
    expect(res.status).toBe(200);
    const all = await admin.get('/api/admin/settings');
    expect(all.json.general.familyName).toBe('The Nowaks');
    expect(all.text).not.toContain(t.running.app.settings.get().secrets.sessionSecret);
    expect(((await stat(join(t.dataDir, 'settings.json'))).mode & 0o777).toString(8)).toBe('600');
    const audit = await admin.get('/api/admin/audit?action=settings.changed');
    expect(audit.json.entries[0].detail.after.familyName).toBe('The Nowaks');
  });
});

describe('operations', () => {
  it('reports readiness of SQLite, the data disk, Redis and MQTT, and notices Redis going away', async () => {
    const ok = await t.client().get('/readyz');
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.json.checks).sort()).toEqual(['disk', 'mqtt', 'redis', 'sqlite']);
    await t.redis.stop();
    try {
      const down = await t.client().get('/readyz');
      expect(down.status).toBe(503);
      expect(down.json.checks.redis.ok).toBe(false);
    } finally {
      await t.redis.start();
    }
  });

  it('serves Prometheus metrics with request durations by route and status', async () => {
    await t.client().get('/healthz');
    const res = await t.client().get('/metrics');
    expect(res.text).toMatch(/hearth_http_request_duration_seconds_count\{service="hearth-appliance",method="GET",route="\/healthz",status="200"\} [1-9]/);
    expect(res.text).toMatch(/process_resident_memory_bytes/);
  });

  it('serves the OpenAPI document with every API route', async () => {
    const doc = (await t.client().get('/api/docs/json')).json;
    expect(doc.paths['/api/auth/login'].post).toBeDefined();
    expect(doc.paths['/api/admin/users/{id}'].patch).toBeDefined();
  });

  it('sends security headers with a CSP fit for the portal', async () => {
    const res = await t.client().get('/api/session');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
