import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';

let t: TestAppliance;
// The throttle's clock: lockouts pass when the test says so, however slow the machine is.
let now = Date.now();
const wait = (ms: number) => {
  now += ms;
};

beforeAll(async () => {
  t = await startTestAppliance({ throttlePolicy: { maxFailures: 3, baseLockMs: 700, maxLockMs: 5000, forgetAfterMs: 60_000 }, throttleClock: () => now });
  await t.admin();
});
afterAll(() => t?.close());

const login = (username: string, password: string, ip?: string) =>
  t.client().post('/api/auth/login', { username, password }, ip ? { 'x-forwarded-for': ip } : {});

describe('login throttling', () => {
  it('locks an account after repeated failures, even for the right password, then lets it in again', async () => {
    for (let i = 0; i < 2; i++) expect((await login('admin', 'not the password')).status).toBe(401);
    const third = await login('admin', 'not the password');
    expect(third.status).toBe(401);
    const locked = await login('admin', TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.json.message).toMatch(/Try again in \d+ seconds/);
    wait(800);
    expect((await login('admin', TEST_PASSWORD)).status).toBe(200);
  });

  it('grows the lockout each time it is earned', async () => {
    const fail3 = async () => {
      for (let i = 0; i < 3; i++) await login('ghost', 'wrong password');
    };
    await fail3();
    const first = await login('ghost', 'wrong password');
    expect(first.status).toBe(429);
    wait(800);
    await fail3();
    // Second lockout is twice as long: still locked after the first one's length.
    wait(800);
    expect((await login('ghost', 'wrong password')).status).toBe(429);
    wait(700);
    expect((await login('ghost', 'wrong password')).status).toBe(401);
  });

  it('records failures and lockouts in the audit log', async () => {
    const admin = t.client();
    await admin.post('/api/auth/login', { username: 'admin', password: TEST_PASSWORD });
    const failed = await admin.get('/api/admin/audit?action=login.failed&limit=2');
    expect(failed.json.entries).toHaveLength(2);
    expect(failed.json.nextBefore).not.toBeNull();
    const next = await admin.get(`/api/admin/audit?action=login.failed&limit=2&before=${failed.json.nextBefore}`);
    expect(next.json.entries[0].id).toBeLessThan(failed.json.entries[1].id);
    const lockouts = await admin.get('/api/admin/audit?action=login.lockout');
    expect(lockouts.json.entries.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(lockouts.json)).not.toContain('wrong password');
  });
});
