import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEFAULT_KIOSK_LAYOUT } from '@hearth/protocol';
import { startHomeAssistant, testedHaVersions, type HomeAssistant } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { launchChromium, pairedPage, startKioskAppliance } from './support.js';
import { startScreenPower } from './screen-power.js';

/** A hall motion sensor HA can be told to trip: a template binary_sensor over an input_boolean (the `template:` form, read by 2024.3 and 2026). */
const HALL = `
input_boolean:
  hall_motion_trip:
    name: Hall motion trip
template:
  - binary_sensor:
      - name: Hall motion
        unique_id: hearth_test_hall_motion
        device_class: motion
        state: "{{ is_state('input_boolean.hall_motion_trip', 'on') }}"
`;
const MOTION = 'binary_sensor.hall_motion';

describe.each(testedHaVersions())('the wall display and a real Home Assistant %s motion sensor', (version) => {
  let ha: HomeAssistant;
  let t: TestAppliance;
  let admin: HttpClient;
  let browser: Browser;

  beforeAll(async () => {
    let app: { t: TestAppliance; admin: HttpClient };
    [ha, app, browser] = await Promise.all([startHomeAssistant({ version, packages: { hall: HALL } }), startKioskAppliance(), launchChromium()]);
    ({ t, admin } = app);
    const set = await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
    if (set.status !== 200) throw new Error(set.text);
    await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 30_000, what: 'the HA link' });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await ha?.stop();
  });

  describe('a real Home Assistant motion sensor wakes the wall', () => {
    it('motion on → the page and HDMI wake; no motion for offAfterS → dark again, through wlr-randr', async () => {
      await ha.waitForState(MOTION, (s) => s.state === 'off', 30_000);
      const power = await startScreenPower(t, admin);
      const layout = await admin.put('/api/admin/kiosk/layout', {
        ...DEFAULT_KIOSK_LAYOUT,
        night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false },
        presence: { enabled: true, entityIds: [MOTION], minOnS: 1, photosAfterS: 0, offAfterS: 3 },
      });
      expect(layout.status, layout.text).toBe(200);
      const { context, page } = await pairedPage(browser, t, admin);
      try {
        // Nobody has been in the hall since the appliance started: dark, page and panel.
        await page.waitForSelector('.kiosk[data-screen="off"]', { timeout: 15_000 });
        await waitFor(async () => (await power.calls()).at(-1) === '--output HDMI-A-1 --off', { what: 'HDMI off' });

        const started = Date.now();
        await ha.callService('input_boolean', 'turn_on', { entity_id: 'input_boolean.hall_motion_trip' });
        await page.waitForSelector('.kiosk[data-screen="awake"]', { timeout: 10_000 });
        console.log(`kiosk: HA motion → awake page in ${Date.now() - started} ms`);
        await waitFor(async () => (await power.calls()).at(-1) === '--output HDMI-A-1 --on', { what: 'HDMI on' });
        expect((await ha.getState(MOTION))?.state).toBe('on');

        // Someone is there: the timers do not run while the sensor is on.
        await page.waitForTimeout(3500);
        expect(await page.$eval('.kiosk', (el) => (el as HTMLElement).dataset.screen)).toBe('awake');

        await ha.callService('input_boolean', 'turn_off', { entity_id: 'input_boolean.hall_motion_trip' });
        await page.waitForSelector('.kiosk[data-screen="off"]', { timeout: 15_000 });
        await waitFor(async () => (await power.calls()).at(-1) === '--output HDMI-A-1 --off', { what: 'HDMI off again' });
        expect((await admin.get('/api/admin/kiosk/presence')).json).toMatchObject({ mode: 'off', present: false });
      } finally {
        power.stop();
        await context.close();
      }
    });
  });
});
