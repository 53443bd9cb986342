import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseTrustProxy } from '../src/config.js';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';

// Issue 12, items 7, 8 and 12: who the appliance believes a caller is, which passwords it takes,
// and that nobody on the LAN can lock the family out of their own accounts.

describe('HEARTH_TRUST_PROXY', () => {
  it('takes a hop count or proxy addresses, never "every hop"', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('true')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(() => parseTrustProxy('everyone')).toThrow(/HEARTH_TRUST_PROXY/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/HEARTH_TRUST_PROXY/);
  });

  for (const setting of ['1', 'true', '127.0.0.1']) {
    it(`with ${setting}: a client's forged X-Forwarded-For is ignored, the proxy's own entry is used`, async () => {
      const t = await startTestAppliance({ config: { trustProxy: loadConfig({ HEARTH_TRUST_PROXY: setting }).trustProxy } });
      try {
        const admin = await t.admin();
        // The client forged 9.9.9.9; the proxy in front (this test) appended the address it saw.
        const res = await t.client().post('/api/auth/login', { username: 'admin', password: 'not the password' }, { 'x-forwarded-for': '9.9.9.9, 10.0.0.5' });
        expect(res.status).toBe(401);
        const failed = (await admin.get('/api/admin/audit?action=login.failed')).json.entries;
        expect(failed.map((e: { ip: string }) => e.ip)).toEqual(['10.0.0.5']);
      } finally {
        await t.close();
      }
    });
  }
});

describe('password policy', () => {
  let t: TestAppliance;
  beforeAll(async () => {
    t = await startTestAppliance();
  });
  afterAll(() => t?.close());

  it("refuses common passwords and ones containing the username, naming the field, in the caller's language", async () => {
    const onboard = (username: string, password: string, lang = 'en') =>
      t.client().post('/api/onboarding', { username, displayName: 'Gran', password }, { 'accept-language': lang });
    for (const common of ['1234567890', 'password12', 'QwertyUiop']) {
      const res = await onboard('granny', common);
      expect(res.status, common).toBe(400);
      expect(res.json.message).toMatch(/^body\.password: this password is one of the most common ones/);
    }
    const polish = await onboard('granny', 'password12', 'pl-PL,pl;q=0.9');
    expect(polish.json.message).toMatch(/^body\.password: to hasło jest jednym z najczęściej używanych/);
    const same = await onboard('granny', 'GRANNY1234');
    expect(same.status).toBe(400);
    expect(same.json.message).toBe('body.password must not contain the username');
    expect((await onboard('granny', 'granny')).status).toBe(400);
    // Nothing was created by the refusals; a good password works.
    const ok = await onboard('granny', TEST_PASSWORD);
    expect(ok.status).toBe(201);
  });

  it('applies to changing and resetting a password too', async () => {
    const admin = t.client();
    await admin.post('/api/auth/login', { username: 'granny', password: TEST_PASSWORD });
    const change = await admin.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'iloveyou123' });
    expect(change.status).toBe(400);
    expect(change.json.message).toMatch(/^body\.newPassword: this password is one of the most common ones/);
    await t.user(admin, 'member', 'bobby');
    const users = (await admin.get('/api/admin/users')).json.users as Array<{ id: number; username: string }>;
    const bobby = users.find((u) => u.username === 'bobby')!;
    const link = await admin.post(`/api/admin/users/${bobby.id}/reset-link`);
    expect(link.status).toBe(201);
    const token = String(link.json.url).split('#')[1];
    const reset = await t.client().post('/api/password-resets/complete', { token, newPassword: 'bobby is the best' });
    expect(reset.status).toBe(400);
    expect(reset.json.message).toBe('body.newPassword must not contain the username');
  });
});

describe('lockout', () => {
  let t: TestAppliance;
  let admin: HttpClient;
  beforeAll(async () => {
    t = await startTestAppliance({
      config: { trustProxy: 1 },
      throttlePolicy: { maxFailures: 3, accountMaxFailures: 6, baseLockMs: 60_000, maxLockMs: 60_000, forgetAfterMs: 3600_000 },
    });
    admin = await t.admin();
  });
  afterAll(() => t?.close());

  const login = (username: string, password: string, from: string, cookie?: string) =>
    fetch(new URL('/api/auth/login', t.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ username, password }),
    });

  it("locks an attacker's address for an account before the account; the owner elsewhere still gets in", async () => {
    await t.user(admin, 'member', 'mum');
    for (let i = 0; i < 3; i++) expect((await login('mum', 'guess number one', '10.0.0.66')).status).toBe(401);
    expect((await login('mum', TEST_PASSWORD, '10.0.0.66')).status).toBe(429);
    const home = await login('mum', TEST_PASSWORD, '10.0.0.5');
    expect(home.status).toBe(200);
    const knownCookie = home.headers
      .getSetCookie()
      .find((c) => c.startsWith('hearth_known_device='))!
      .split(';')[0]!;
    expect(knownCookie).toBeTruthy();

    // Attackers spread over addresses lock the account itself…
    for (const ip of ['10.0.0.70', '10.0.0.71']) for (let i = 0; i < 3; i++) await login('mum', 'another guess here', ip);
    expect((await login('mum', TEST_PASSWORD, '10.0.0.9')).status).toBe(429);
    // …but the right password from a browser that logged in as mum before gets through,
    expect((await login('mum', TEST_PASSWORD, '10.0.0.9', knownCookie)).status).toBe(200);
    // a known-device cookie is no help with the wrong password or for another account,
    await login('mum', 'another guess here', '10.0.0.70');
    for (const ip of ['10.0.0.72', '10.0.0.73']) for (let i = 0; i < 3; i++) await login('mum', 'another guess here', ip);
    expect((await login('mum', 'wrong again', '10.0.0.10', knownCookie)).status).toBe(401);
    for (const ip of ['10.0.0.80', '10.0.0.81']) for (let i = 0; i < 3; i++) await login('admin', 'a guess for admin', ip);
    expect((await login('admin', TEST_PASSWORD, '10.0.0.10', knownCookie)).status).toBe(429);
    // and the appliance's own console (a direct loopback connection) gets in too.
    expect((await t.client().post('/api/auth/login', { username: 'mum', password: TEST_PASSWORD })).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('needs the configured bearer token', async () => {
    const t = await startTestAppliance({ config: { metricsToken: 'prometheus-scrape-token-1234' } });
    try {
      expect((await t.client().get('/metrics')).status).toBe(401);
      expect((await t.client().get('/metrics', { authorization: 'Bearer not-the-right-token-at-all' })).status).toBe(401);
      const ok = await t.client().get('/metrics', { authorization: 'Bearer prometheus-scrape-token-1234' });
      expect(ok.status).toBe(200);
      expect(ok.text).toMatch(/hearth_http_request_duration_seconds/);
    } finally {
      await t.close();
    }
  });

  it('without a token, answers only a direct loopback caller, not one relayed by a local proxy', async () => {
    const t = await startTestAppliance();
    try {
      expect((await t.client().get('/metrics')).status).toBe(200);
      const relayed = await t.client().get('/metrics', { 'x-forwarded-for': '192.168.1.20' });
      expect(relayed.status).toBe(401);
      expect(relayed.json.message).toMatch(/HEARTH_METRICS_TOKEN/);
    } finally {
      await t.close();
    }
  });
});
