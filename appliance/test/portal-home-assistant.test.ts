import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHomeAssistant, testedHaVersions, type HomeAssistant, sampleHouse, placeInArea } from '@hearth/ha-integration';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, launchChromium, screenshot, seriousViolations, watch, type PageWatch } from './portal-support/browser.js';
import { apiLogin, invited, loginInBrowser, onboardInBrowser } from './portal-support/flows.js';

describe.each(testedHaVersions())('smart home in the portal, against a real Home Assistant %s', (version) => {
  let ha: HomeAssistant;
  let t: TestAppliance;
  let browser: Browser;
  let admin: HttpClient;
  const contexts: BrowserContext[] = [];

  const open = async (): Promise<{ page: Page; seen: PageWatch }> => {
    const context = await browser.newContext({ viewport: DESKTOP });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { page, seen: watch(page) };
  };

  beforeAll(async () => {
    await ensurePortalBuilt();
    [ha, t, browser] = await Promise.all([
      startHomeAssistant({ version, packages: { house: sampleHouse(version) } }),
      startTestAppliance({ product: true }),
      launchChromium(),
    ]);
    await placeInArea(ha, 'light.kitchen', 'Kitchen');
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await ha?.stop();
  });

  it('the admin connects HA in settings, switches the light from Smart home, and sees HA’s own change live', { timeout: 90_000 }, async () => {
    const { page, seen } = await open();
    await onboardInBrowser(page, t.url);
    admin = await apiLogin(t.url, 'admin');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Home Assistant address').fill(ha.url);
    await page.getByLabel('Long-lived access token').fill(ha.token);
    const haForm = page.getByRole('form', { name: 'Home Assistant' });
    await haForm.getByRole('button', { name: 'Save' }).click();
    await haForm.getByText('Saved.').waitFor();
    // The token went in and never comes back out.
    expect(await page.getByLabel('Long-lived access token').inputValue()).toBe('');
    expect(JSON.stringify((await admin.get('/api/admin/home-assistant')).json)).not.toContain(ha.token);

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Smart home' }).click();
    const kitchen = page.getByRole('region', { name: 'Kitchen' });
    const light = kitchen.getByRole('switch', { name: 'Kitchen light' });
    // The first entity listing from a cold HA 2026 on a busy machine can take longer than the default.
    await light.waitFor({ timeout: 60_000 });
    expect((await ha.getState('light.kitchen'))?.state).toBe('off');
    expect(await light.getAttribute('aria-checked')).toBe('false');

    await light.click();
    await ha.waitForState('light.kitchen', (s) => s.state === 'on', 10_000);
    await expect.poll(() => light.getAttribute('aria-checked'), { timeout: 5000 }).toBe('true');
    await screenshot(page, 'smart-home-light-on');

    // Switched in Home Assistant, not by Hearth: only the live stream can bring this to the card.
    await ha.callService('input_boolean', 'turn_off', { entity_id: 'input_boolean.kitchen_power' });
    await expect.poll(() => light.getAttribute('aria-checked'), { timeout: 5000 }).toBe('false');
    await ha.callService('light', 'turn_on', { entity_id: 'light.kitchen' });
    await expect.poll(() => light.getAttribute('aria-checked'), { timeout: 5000 }).toBe('true');
    await ha.callService('light', 'turn_off', { entity_id: 'light.kitchen' });
    await expect.poll(() => light.getAttribute('aria-checked'), { timeout: 5000 }).toBe('false');
    expect(seen.errors).toEqual([]);
  });

  it('the admin picks the kiosk’s entities from HA’s list and allows it to switch the light', async () => {
    const { page, seen } = await open();
    await loginInBrowser(page, t.url, 'admin');
    await page.goto(`${t.url}/admin/kiosk`);
    const show = page.getByRole('checkbox', { name: 'Show Kitchen light on the wall display' });
    const allow = page.getByRole('checkbox', { name: 'The wall display may switch Kitchen light' });
    await show.waitFor();
    expect((await seriousViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    // Switching needs showing first; the input_boolean is shown, read-only.
    expect(await allow.isDisabled()).toBe(true);
    await show.check();
    await allow.check();
    await page.getByRole('checkbox', { name: 'Show Kitchen power on the wall display' }).check();
    await page.getByRole('button', { name: 'Save entities' }).click();
    await page.getByRole('form', { name: 'Smart-home entities on the wall' }).getByText('Saved.').waitFor();
    expect((await admin.get('/api/admin/kiosk/entities')).json.entities).toEqual([
      { entityId: 'light.kitchen', allowToggle: true },
      { entityId: 'input_boolean.kitchen_power', allowToggle: false },
    ]);
    await screenshot(page, 'admin-kiosk-entities');
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox', { name: 'The wall display may switch Kitchen light' }).isChecked()).toBe(true);
    expect(seen.errors).toEqual([]);
  });

  it('a member sees no Smart home (UI) and gets 403 from the HA API', async () => {
    const member = await invited(admin, 'member', 'mia', 'Mia');
    for (const [method, path] of [
      ['GET', '/api/ha/status'],
      ['GET', '/api/ha/entities'],
      ['GET', '/api/ha/areas'],
      ['GET', '/api/admin/home-assistant'],
      ['GET', '/api/admin/kiosk/entities'],
    ] as const) {
      expect((await member.request(method, path)).status, path).toBe(403);
    }
    const call = await member.post('/api/ha/services/light/toggle', { entityId: 'light.kitchen' });
    expect(call.status).toBe(403);
    expect((await ha.getState('light.kitchen'))?.state).toBe('off');

    const { page, seen } = await open();
    await loginInBrowser(page, t.url, 'mia');
    const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(links).not.toContain('Admin');
    await page.goto(`${t.url}/admin/smart-home`);
    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    expect(await page.getByRole('switch').count()).toBe(0);
    expect(await page.getByText('Kitchen light').count()).toBe(0);
    expect(seen.errors).toEqual([]);
  });
});
