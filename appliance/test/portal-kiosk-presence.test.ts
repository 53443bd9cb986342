import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, launchChromium, seriousViolations } from './portal-support/browser.js';
import { apiLogin, onboardInBrowser } from './portal-support/flows.js';

describe('portal: the wall display wakes and sleeps with people', () => {
  let t: TestAppliance;
  let browser: Browser;
  let admin: HttpClient;

  beforeAll(async () => {
    await ensurePortalBuilt();
    [t, browser] = await Promise.all([startTestAppliance({ product: true }), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('saves the night, burn-in, presence and doorbell settings with the layout and shows what the wall does now, live', async () => {
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    page.setDefaultTimeout(8000);
    await onboardInBrowser(page, t.url);
    admin = await apiLogin(t.url, 'admin');
    await page.goto(`${t.url}/admin/kiosk`);
    const group = page.getByRole('group', { name: 'Waking and sleeping' });
    await group.waitFor();
    await group.getByLabel('Sleep when nobody is around').check();
    await group.getByLabel('Stay on at least (seconds)').fill('30');
    await group.getByLabel('Photo frame after (minutes, 0 = never)').fill('2');
    await group.getByLabel('Screen off after (minutes, 0 = never)').fill('10');
    const night = page.getByRole('group', { name: 'Night and burn-in' });
    await night.getByLabel('Night from').fill('21:30');
    await night.getByLabel('Night clock brightness (%)').fill('20');
    await night.getByLabel('Burn-in shift (pixels)').fill('12');
    const bell = page.getByRole('group', { name: 'Doorbell' });
    await bell.getByLabel('Doorbell entity').fill('event.front_doorbell');
    await bell.getByLabel('Camera entity').fill('light.porch');
    await page.getByRole('button', { name: 'Save layout' }).click();
    // Not a camera: refused, naming the field; nothing saved.
    await page
      .getByText(/cameraEntityId/)
      .first()
      .waitFor();
    expect((await admin.get('/api/admin/kiosk/layout')).json.presence).toBeUndefined();
    await bell.getByLabel('Camera entity').fill('camera.front_door');
    await bell.getByLabel('Show it for (seconds)').fill('20');
    await page.getByRole('button', { name: 'Save layout' }).click();
    await expect
      .poll(async () => (await admin.get('/api/admin/kiosk/layout')).json.presence)
      .toEqual({ enabled: true, entityIds: [], minOnS: 30, photosAfterS: 120, offAfterS: 600 });
    const saved = (await admin.get('/api/admin/kiosk/layout')).json;
    expect(saved.night).toMatchObject({ from: '21:30', brightness: 0.2 });
    expect(saved.burnIn.shiftPx).toBe(12);
    expect(saved.doorbell).toEqual({ entityId: 'event.front_doorbell', cameraEntityId: 'camera.front_door', showS: 20 });
    expect(await seriousViolations(page)).toEqual([]);

    // HA (or another admin) darkens the wall: the page says so without a reload.
    await page.locator('[data-presence-mode="awake"]').waitFor();
    t.running.app.kioskPresence.sleep();
    await page.locator('[data-presence-mode="off"]').waitFor();
    expect(await page.locator('[data-presence-mode]').textContent()).toMatch(/^Now: screen off since /);
  });
});
