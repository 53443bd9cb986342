import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';

let t: TestAppliance;

beforeAll(async () => {
  t = await startTestAppliance();
  await t.admin();
});
afterAll(() => t?.close());

describe('onboarding', () => {
  it('is refused once an account exists, and racing requests cannot both win', async () => {
    const again = await t.client().post('/api/onboarding', { username: 'intruder', displayName: 'X', password: 'another password 1' });
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/already set up/);
  });

  it('lets only one of two simultaneous first-run requests create the admin', async () => {
    const fresh = await startTestAppliance({ redis: t.redis, mosquitto: t.mosquitto });
    try {
      const [a, b] = await Promise.all(
        ['alice', 'bob'].map((u) => fresh.client().post('/api/onboarding', { username: u, displayName: u, password: TEST_PASSWORD })),
      );
      expect([a!.status, b!.status].sort()).toEqual([201, 409]);
      const list = a!.status === 201 ? a : b;
      expect(list!.json.user.role).toBe('admin');
    } finally {
      await fresh.close();
    }
  });
});

describe('login', () => {
  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await t.client().post('/api/auth/login', { username: 'nobody', password: 'whatever it is' });
    const wrong = await t.client().post('/api/auth/login', { username: 'admin', password: 'whatever it is' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.json.message).toBe(wrong.json.message);
  });

  it('rotates the session id at login and serves /api/me', async () => {
    const c = t.client();
    c.cookie = 'hearth_session=planted-by-an-attacker';
    const res = await c.post('/api/auth/login', { username: 'admin', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(c.cookie).not.toContain('planted');
    const cookieHeader = res.headers.getSetCookie().join(';');
    expect(cookieHeader).toMatch(/HttpOnly/i);
    expect(cookieHeader).toMatch(/SameSite=Lax/i);
    const me = await c.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.json.user.username).toBe('admin');
  });
});
