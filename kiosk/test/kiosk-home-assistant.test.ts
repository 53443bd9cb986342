import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEFAULT_KIOSK_LAYOUT, type KioskLayout } from '@hearth/protocol';
import { startHomeAssistant, testedHaVersions, type HomeAssistant, sampleHouse } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { launchChromium, pairedPage, screenshot, startKioskAppliance } from './support.js';

const LIGHT = 'light.kitchen';
const POWER = 'input_boolean.kitchen_power';

describe.each(testedHaVersions())('the wall display against a real Home Assistant %s', (version) => {
  let ha: HomeAssistant;
  let t: TestAppliance;
  let admin: HttpClient;
  let browser: Browser;

  beforeAll(async () => {
    let app: { t: TestAppliance; admin: HttpClient };
    [ha, app, browser] = await Promise.all([
      startHomeAssistant({ version, packages: { house: sampleHouse(version) } }),
      startKioskAppliance(),
      launchChromium(),
    ]);
    ({ t, admin } = app);
    const set = await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
    if (set.status !== 200) throw new Error(set.text);
    await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 30_000, what: 'the HA link' });
    // The light may be switched from the wall; its power boolean is only shown.
    const entities = await admin.put('/api/admin/kiosk/entities', {
      entities: [
        { entityId: LIGHT, allowToggle: true },
        { entityId: POWER, allowToggle: false },
      ],
    });
    if (entities.status !== 200) throw new Error(entities.text);
    const layout: KioskLayout = {
      ...DEFAULT_KIOSK_LAYOUT,
      night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false },
      tiles: [
        ...DEFAULT_KIOSK_LAYOUT.tiles.filter((tile) => tile.type !== 'agents'),
        { type: 'entities', x: 0, y: 2, w: 4, h: 1, options: { title: 'Kitchen', entityIds: [LIGHT, POWER] } },
      ],
    };
    const res = await admin.put('/api/admin/kiosk/layout', layout);
    if (res.status !== 200) throw new Error(res.text);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await ha?.stop();
  });

  describe('Home Assistant on the wall display', () => {
    it('shows HA’s changes within seconds, toggles the allowed light, and offers no switch for the rest', async () => {
      const { context, page } = await pairedPage(browser, t, admin);
      const toggle = page.locator(`[data-entity="${LIGHT}"] .entity-toggle`);
      const power = page.locator(`[data-entity="${POWER}"]`);
      await toggle.waitFor();
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
      expect(await toggle.textContent()).toBe('off');
      expect(await page.locator('.tile-title').allTextContents()).toContain('Kitchen');
      // Not allowed: its state is shown, with no control at all.
      expect(await power.locator('.entity-toggle').count()).toBe(0);
      expect(await power.locator('button').count()).toBe(0);
      expect(await power.locator('.entity-state').textContent()).toBe('off');

      // HA switches the light itself: the wall follows over the live stream.
      const started = Date.now();
      await ha.callService('input_boolean', 'turn_on', { entity_id: POWER });
      await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true', `[data-entity="${LIGHT}"] .entity-toggle`, {
        timeout: 5000,
      });
      console.log(`kiosk: HA change → tile in ${Date.now() - started} ms`);
      expect(await toggle.textContent()).toBe('on');
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'on', `[data-entity="${POWER}"] .entity-state`, { timeout: 5000 });
      await screenshot(page, 'ha-light-on.png');

      // Pressing the tile switches the light in HA, and the tile shows what HA now says.
      await toggle.click();
      await ha.waitForState(LIGHT, (s) => s.state === 'off', 5000);
      await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'false', `[data-entity="${LIGHT}"] .entity-toggle`, {
        timeout: 5000,
      });
      await toggle.click();
      await ha.waitForState(LIGHT, (s) => s.state === 'on', 5000);

      // The missing control is not just hidden: the appliance refuses this screen switching the boolean.
      const refused = await page.evaluate(async (id) => {
        const feed = (await (await fetch('/api/kiosk/feed')).json()) as { csrfToken: string };
        const res = await fetch(`/api/kiosk/entities/${id}/toggle`, { method: 'POST', headers: { 'x-csrf-token': feed.csrfToken } });
        return res.status;
      }, POWER);
      expect(refused).toBe(403);
      expect((await ha.getState(POWER))?.state).toBe('on');
      await context.close();
    });
  });
});
