import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hearth/testkit';
import { HttpClient } from './support/http-client.js';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';
import { openEvents } from './jobs-fixtures.js';
import { jobCapabilities } from '../src/jobs/capabilities.js';
import { kioskFeedPlugin } from '../src/kiosk-feed/index.js';

/** Issue 12 item 2: a change of identity ends that person's open event streams at once, not at their next reconnect. */
let t: TestAppliance;
let admin: HttpClient;

beforeAll(async () => {
  t = await startTestAppliance({
    capabilities: (connections, log, config) => [
      ...jobCapabilities({ dataDir: config.dataDir, version: 'test-1', connections, log, tuning: { jobs: { tickMs: 60_000 } } }),
      async (app) => {
        await app.register(kioskFeedPlugin, { version: 'test-1', publicUrl: undefined });
      },
    ],
  });
  admin = await t.admin();
});
afterAll(() => t?.close());

/** An open stream that records whether the appliance has ended it. */
async function stream(client: HttpClient) {
  const s = openEvents(client);
  let ended = false;
  void s.done.then(
    () => {
      ended = true;
    },
    () => {
      ended = true;
    },
  );
  await waitFor(() => s.events.some((e) => e.type === 'hello'), { timeoutMs: 10_000 });
  return {
    ...s,
    get ended() {
      return ended;
    },
  };
}

const nightModes = (s: { events: Array<{ type: string; data: unknown }> }) =>
  s.events.filter((e) => e.type === 'kiosk.control').map((e) => (e.data as { nightMode: boolean }).nightMode);

async function logIn(username: string): Promise<HttpClient> {
  const c = new HttpClient(t.url);
  const res = await c.post('/api/auth/login', { username, password: TEST_PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return c;
}

describe('identity changes cut live streams', () => {
  it('a demoted admin stops receiving admin events at once, while the same cookie gets 401 elsewhere', async () => {
    const ada = await t.user(admin, 'admin', 'ada');
    const bystander = await t.user(admin, 'admin', 'bea');
    const adaStream = await stream(ada);
    const beaStream = await stream(bystander);
    try {
      await t.running.app.kioskControl.set({ nightMode: true });
      await waitFor(() => nightModes(adaStream).includes(true) && nightModes(beaStream).includes(true), { timeoutMs: 10_000 });

      const adaId = (await ada.get('/api/whoami')).json.id as number;
      expect((await admin.patch(`/api/admin/users/${adaId}`, { role: 'member' })).status).toBe(200);
      // Cut by the PATCH itself, not by a later heartbeat or reconnect.
      await waitFor(() => adaStream.ended, { timeoutMs: 5000 });

      await t.running.app.kioskControl.set({ nightMode: false });
      await waitFor(() => nightModes(beaStream).includes(false), { timeoutMs: 10_000 });
      expect(nightModes(adaStream)).toEqual([true]);
      expect(beaStream.ended).toBe(false);
      expect((await ada.get('/api/admin/users')).status).toBe(401);
      expect((await ada.get('/api/events')).status).toBe(401);
    } finally {
      await Promise.allSettled([adaStream.close(), beaStream.close()]);
    }
  });

  it('disabling a user ends their stream', async () => {
    const carl = await t.user(admin, 'member', 'carl');
    const s = await stream(carl);
    const id = (await carl.get('/api/whoami')).json.id as number;
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).status).toBe(200);
    await waitFor(() => s.ended, { timeoutMs: 5000 });
    expect((await carl.get('/api/me')).status).toBe(401);
  });

  it('logging out everywhere ends the streams of every browser of that user', async () => {
    await t.user(admin, 'member', 'dora');
    const laptop = await logIn('dora');
    const phone = await logIn('dora');
    const s = await stream(laptop);
    expect((await phone.post('/api/auth/logout-everywhere')).status).toBe(200);
    await waitFor(() => s.ended, { timeoutMs: 5000 });
    expect((await laptop.get('/api/me')).status).toBe(401);
  });

  it('changing the password ends the streams of the other browsers', async () => {
    await t.user(admin, 'member', 'emil');
    const laptop = await logIn('emil');
    const phone = await logIn('emil');
    const s = await stream(laptop);
    expect((await phone.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'a much newer passphrase 9' })).status).toBe(204);
    await waitFor(() => s.ended, { timeoutMs: 5000 });
    expect((await laptop.get('/api/me')).status).toBe(401);
  });
});
