import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';

let t: TestAppliance;
let admin: HttpClient;

beforeAll(async () => {
  t = await startTestAppliance();
  admin = await t.admin();
});
afterAll(() => t?.close());

describe('sessions', () => {
  it('survive an appliance restart', async () => {
    const member = await t.user(admin, 'member', 'survivor');
    await t.restart();
    const me = await member.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.json.user.username).toBe('survivor');
    // The CSRF token survives too: changes still work.
    expect((await member.post('/api/auth/logout-everywhere')).status).toBe(200);
  });

  it('of a disabled user die at once, and come back only with a new login', async () => {
    const member = await t.user(admin, 'member', 'to-disable');
    const id = (await member.get('/api/me')).json.user.id;
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).status).toBe(200);
    expect((await member.get('/api/me')).status).toBe(401);
    const relogin = await t.client().post('/api/auth/login', { username: 'to-disable', password: TEST_PASSWORD });
    expect(relogin.status).toBe(401);
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: false })).status).toBe(200);
    expect((await t.client().post('/api/auth/login', { username: 'to-disable', password: TEST_PASSWORD })).status).toBe(200);
  });

  it('"log out everywhere" ends every session of the user, and only theirs', async () => {
    const invited = await t.user(admin, 'member', 'many-browsers');
    const a = t.client();
    const b = t.client();
    for (const c of [a, b]) expect((await c.post('/api/auth/login', { username: 'many-browsers', password: TEST_PASSWORD })).status).toBe(200);
    const res = await a.post('/api/auth/logout-everywhere');
    expect(res.json.ended).toBe(3);
    expect((await invited.get('/api/me')).status).toBe(401);
    expect((await a.get('/api/me')).status).toBe(401);
    expect((await b.get('/api/me')).status).toBe(401);
    expect((await admin.get('/api/me')).status).toBe(200);
  });

  it('a role change takes effect on the next request', async () => {
    const other = await t.user(admin, 'admin', 'second-admin');
    expect((await other.get('/api/admin/users')).status).toBe(200);
    const id = (await other.get('/api/me')).json.user.id;
    await admin.patch(`/api/admin/users/${id}`, { role: 'member' });
    expect((await other.get('/api/admin/users')).status).toBe(401); // role changes end sessions
    const again = t.client();
    await again.post('/api/auth/login', { username: 'second-admin', password: TEST_PASSWORD });
    expect((await again.get('/api/admin/users')).status).toBe(403);
  });

  it('expire when idle and after the absolute limit', async () => {
    // The sessions' clock is moved by the test; the real cookie lifetime (absoluteMs) stays far away.
    let now = Date.now();
    const short = await startTestAppliance({
      redis: t.redis,
      mosquitto: t.mosquitto,
      sessionPolicy: { idleMs: 60_000, absoluteMs: 150_000 },
      sessionClock: () => now,
    });
    try {
      const a = await short.admin();
      // Busy: stays in through the idle limit...
      for (let i = 0; i < 4; i++) {
        now += 25_000;
        expect((await a.get('/api/me')).status).toBe(200);
      }
      // ...but not past the absolute one.
      now += 60_000;
      expect((await a.get('/api/me')).status).toBe(401);
      const b = short.client();
      await b.post('/api/auth/login', { username: 'admin', password: TEST_PASSWORD });
      now += 59_900;
      expect((await b.get('/api/me')).status).toBe(200);
      // Unused a moment longer than the idle limit.
      now += 60_100;
      expect((await b.get('/api/me')).status).toBe(401);
    } finally {
      await short.close();
    }
  });
});

describe('CSRF', () => {
  it('refuses cookie-authenticated changes without the token, with a wrong one, or from another site', async () => {
    const noToken = await admin.post('/api/admin/invites', { role: 'member' }, { 'x-csrf-token': '' });
    expect(noToken.status).toBe(403);
    expect(noToken.json.message).toMatch(/CSRF/);
    expect((await admin.post('/api/admin/invites', { role: 'member' }, { 'x-csrf-token': 'x'.repeat(32) })).status).toBe(403);
    expect((await admin.post('/api/admin/invites', { role: 'member' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await admin.post('/api/admin/invites', { role: 'member' })).status).toBe(201);
  });
});

describe('invites', () => {
  it('work once, then are refused', async () => {
    const invite = await admin.post('/api/admin/invites', { role: 'child' });
    const token = invite.json.url.split('#')[1];
    expect((await t.client().post('/api/invites/inspect', { token })).json.role).toBe('child');
    const first = await t.client().post('/api/invites/accept', { token, username: 'kid1', displayName: 'Kid', password: TEST_PASSWORD });
    expect(first.status).toBe(201);
    expect(first.json.user.role).toBe('child');
    const second = await t.client().post('/api/invites/accept', { token, username: 'kid2', displayName: 'Kid', password: TEST_PASSWORD });
    expect(second.status).toBe(410);
    expect(second.json.message).toMatch(/already been used/);
  });

  it('expire', async () => {
    const invite = await admin.post('/api/admin/invites', { role: 'member', expiresInHours: 1 });
    const token = invite.json.url.split('#')[1];
    // An hour passes: move the expiry instead of the clock.
    t.running.app.db.prepare('UPDATE account_links SET expires_at = ? WHERE id = ?').run(Date.now() - 1, invite.json.id);
    const res = await t.client().post('/api/invites/accept', { token, username: 'late', displayName: 'Late', password: TEST_PASSWORD });
    expect(res.status).toBe(410);
    expect(res.json.message).toMatch(/expired/);
  });

  it('can be withdrawn', async () => {
    const invite = await admin.post('/api/admin/invites', { role: 'member' });
    expect((await admin.delete(`/api/admin/invites/${invite.json.id}`)).status).toBe(204);
    const token = invite.json.url.split('#')[1];
    expect((await t.client().post('/api/invites/inspect', { token })).status).toBe(410);
  });
});

describe('password reset links', () => {
  it('set a new password once and end the old sessions', async () => {
    const member = await t.user(admin, 'member', 'forgetful');
    const id = (await member.get('/api/me')).json.user.id;
    const link = await admin.post(`/api/admin/users/${id}/reset-link`);
    const token = link.json.url.split('#')[1];
    expect((await t.client().post('/api/password-resets/complete', { token, newPassword: 'a brand new secret' })).status).toBe(204);
    expect((await member.get('/api/me')).status).toBe(401);
    expect((await t.client().post('/api/auth/login', { username: 'forgetful', password: 'a brand new secret' })).status).toBe(200);
    expect((await t.client().post('/api/password-resets/complete', { token, newPassword: 'yet another secret' })).status).toBe(410);
  });
});
