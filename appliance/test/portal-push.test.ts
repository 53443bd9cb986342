/**
 * Profile → "Notifications on this device" in a real Chromium against a real appliance. Chromium
 * here has no way to the internet, so its push service (FCM) cannot hand out a subscription: the
 * page's PushManager is replaced IN THE BROWSER ONLY by one that returns a subscription with keys
 * this test made. Everything else is real: the permission prompt (granted or refused by the
 * context), the service worker, the portal, the appliance's routes, CSRF and storage. The worker
 * gets a real push event through Chromium's DevTools protocol. Delivery to a push service is
 * covered by push.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitFor } from '@hearth/testkit';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';
import { TestSubscriber } from './support/push-service.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, PHONE, launchChromium, screenshot, seriousViolations, watch } from './portal-support/browser.js';
import { apiLogin, invited, loginInBrowser, onboardInBrowser } from './portal-support/flows.js';

/** What the stand-in PushManager records; the page's own code never sees this. */
interface Stub {
  subscribeKey: string | null;
  unsubscribed: number;
}

const ENDPOINT = 'https://push.example.com/send/hearth-portal-test';

async function stubPushManager(context: BrowserContext, keys: { p256dh: string; auth: string }): Promise<void> {
  await context.addInitScript(
    ({ endpoint, p256dh, auth }) => {
      const stub = { subscribeKey: null as string | null, unsubscribed: 0 };
      (window as unknown as { __push: typeof stub }).__push = stub;
      const KEY = 'push-stub-subscribed';
      const subscription = {
        endpoint,
        expirationTime: null,
        options: { userVisibleOnly: true },
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
        unsubscribe: async () => {
          stub.unsubscribed++;
          localStorage.removeItem(KEY);
          return true;
        },
      };
      PushManager.prototype.getSubscription = async function () {
        return (localStorage.getItem(KEY) ? subscription : null) as unknown as PushSubscription;
      };
      PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
        const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer);
        stub.subscribeKey = btoa(String.fromCharCode(...key))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
        localStorage.setItem(KEY, '1');
        return subscription as unknown as PushSubscription;
      };
    },
    { endpoint: ENDPOINT, ...keys },
  );
}

describe('Profile → Notifications on this device', () => {
  let t: TestAppliance;
  let browser: Browser;
  let admin: HttpClient;
  let member: HttpClient;
  const contexts: BrowserContext[] = [];

  const newPage = async (o: { grant: boolean; viewport?: { width: number; height: number } }): Promise<Page> => {
    const context = await browser.newContext({ viewport: o.viewport ?? DESKTOP, locale: 'en-GB' });
    contexts.push(context);
    if (o.grant) await context.grantPermissions(['notifications'], { origin: t.url });
    await stubPushManager(context, new TestSubscriber().keys());
    return context.newPage();
  };

  beforeAll(async () => {
    await ensurePortalBuilt();
    [t, browser] = await Promise.all([startTestAppliance({ product: true }), launchChromium()]);
    const first = await browser.newPage();
    await onboardInBrowser(first, t.url, 'Mum');
    await first.close();
    admin = await apiLogin(t.url, 'admin');
    member = await invited(admin, 'member', 'mia', 'Mia');
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  const subscriptions = async () => (await member.get('/api/push')).json.subscriptions as Array<{ endpoint: string; lang: string; kinds: string[] }>;

  it("turns notifications on with the hub's key, chooses what is told, follows the language, and turns them off", { timeout: 120_000 }, async () => {
    const page = await newPage({ grant: true });
    const w = watch(page);
    await loginInBrowser(page, t.url, 'mia');
    await page.goto(`${t.url}/profile`);
    const section = page.getByTestId('notifications');
    await section.getByRole('heading', { name: 'Notifications on this device' }).waitFor();
    await section.getByText('Notifications are off for this device.').waitFor();
    expect(await section.getByTestId('notify-ha').innerText()).toBe('Home Assistant is not connected, so notifications come only from here.');

    await section.getByRole('button', { name: 'Turn on notifications' }).click();
    await section.getByText('Notifications are on for this device.').waitFor();
    // The browser subscribed with the hub's VAPID public key, and the hub keeps this device.
    const { publicKey } = (await member.get('/api/push')).json;
    expect(await page.evaluate(() => (window as unknown as { __push: Stub }).__push.subscribeKey)).toBe(publicKey);
    expect(await subscriptions()).toEqual([
      expect.objectContaining({ endpoint: ENDPOINT, lang: 'en', kinds: ['jobSucceeded', 'jobFailed', 'comicReady', 'storyReady'] }),
    ]);
    await screenshot(page, 'push-profile-en');

    await section.getByRole('checkbox', { name: 'a job failed' }).uncheck();
    await section.getByText('Saved.').waitFor();
    expect((await subscriptions())[0]!.kinds).toEqual(['jobSucceeded', 'comicReady', 'storyReady']);
    expect(await section.getByRole('checkbox', { name: 'a job failed' }).isChecked()).toBe(false);

    // Notifications are written in the portal's language: switching it updates this device.
    await page.selectOption('#lang', 'pl');
    await section.getByText('Powiadomienia na tym urządzeniu są włączone.').waitFor();
    await expect.poll(async () => (await subscriptions())[0]!.lang, { timeout: 15_000 }).toBe('pl');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'push-profile-pl');

    await section.getByRole('button', { name: 'Wyłącz na tym urządzeniu' }).click();
    await section.getByText('Powiadomienia na tym urządzeniu są wyłączone.').waitFor();
    expect(await subscriptions()).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __push: Stub }).__push.unsubscribed)).toBe(1);
    expect(w.errors).toEqual([]);
  });

  it('the service worker shows a pushed message, and only ever links to this hub', { timeout: 90_000 }, async () => {
    const page = await newPage({ grant: true });
    await page.goto(`${t.url}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    // A real push event into the real worker: what DevTools' "Push" button does.
    const cdp = await page.context().newCDPSession(page);
    const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: typeof registrations }) => {
      registrations.push(...e.registrations);
    });
    await cdp.send('ServiceWorker.enable');
    await waitFor(() => registrations.some((r) => r.scopeURL === `${t.url}/`), { timeoutMs: 30_000, what: "the worker's registration" });
    const registrationId = registrations.find((r) => r.scopeURL === `${t.url}/`)!.registrationId;
    const deliver = (message: Record<string, unknown>) =>
      cdp.send('ServiceWorker.deliverPushMessage', { origin: t.url, registrationId, data: JSON.stringify(message) });
    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown })),
      );

    await deliver({ kind: 'comicReady', title: 'Your comic is ready', body: '“Space cats” is ready to read.', url: '/comics/5', tag: 'pipeline:7' });
    await waitFor(async () => (await shown()).length === 1, { timeoutMs: 30_000, what: 'a notification' });
    expect(await shown()).toEqual([{ title: 'Your comic is ready', body: '“Space cats” is ready to read.', tag: 'pipeline:7', data: { url: '/comics/5' } }]);

    // A message pointing elsewhere opens the hub's home page instead.
    await deliver({ kind: 'jobSucceeded', title: 'Done: Lake', body: 'Tap to open it in Hearth.', url: 'https://elsewhere.example/phish', tag: 'job:x' });
    await waitFor(async () => (await shown()).length === 2, { timeoutMs: 30_000, what: 'a second notification' });
    expect((await shown()).find((n) => n.tag === 'job:x')!.data).toEqual({ url: '/' });

    // Tapping the comic's notification (dispatched in the worker) takes the open portal to the comic.
    const worker = page
      .context()
      .serviceWorkers()
      .find((w) => w.url() === `${t.url}/sw.js`)!;
    await worker.evaluate(async () => {
      // The worker's own types (WebWorker lib) are not in this file's; only what is used is named.
      const sw = self as unknown as { registration: ServiceWorkerRegistration; dispatchEvent(e: Event): boolean };
      const Click = (globalThis as unknown as { NotificationEvent: new (type: string, init: { notification: Notification }) => Event }).NotificationEvent;
      const [notification] = await sw.registration.getNotifications({ tag: 'pipeline:7' });
      sw.dispatchEvent(new Click('notificationclick', { notification: notification! }));
    });
    await page.waitForURL(`${t.url}/comics/5`, { timeout: 30_000 });
    expect(await shown()).toHaveLength(1);
  });

  it('says so when notifications are blocked, and subscribes nothing', { timeout: 60_000 }, async () => {
    const page = await newPage({ grant: false, viewport: PHONE });
    await loginInBrowser(page, t.url, 'mia');
    await page.goto(`${t.url}/profile`);
    const section = page.getByTestId('notifications');
    await section.getByRole('button', { name: 'Turn on notifications' }).click();
    await section.getByText('Notifications for Hearth are blocked in this browser’s settings. Allow them there, then try again.').waitFor();
    expect(await subscriptions()).toEqual([]);
    await screenshot(page, 'push-profile-phone-blocked');
  });
});
