import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEFAULT_KIOSK_LAYOUT } from '@hearth/protocol';
import { startHomeAssistant, testedHaVersions, type HaVersion, type HomeAssistant } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { launchChromium, pairedPage, screenshot, startKioskAppliance } from './support.js';

const WEATHER = 'weather.home';
/** Today and four more days, as HA's template reads a list. */
const FORECAST = JSON.stringify([
  { datetime: '2026-11-25T12:00:00+00:00', condition: 'rainy', temperature: 13, templow: 6 },
  { datetime: '2026-11-26T12:00:00+00:00', condition: 'sunny', temperature: 15, templow: 4 },
  { datetime: '2026-11-27T12:00:00+00:00', condition: 'snowy', temperature: 1, templow: -3 },
  { datetime: '2026-11-28T12:00:00+00:00', condition: 'cloudy', temperature: 5, templow: 0 },
  { datetime: '2026-11-29T12:00:00+00:00', condition: 'fog', temperature: 4, templow: 1 },
]).replaceAll('"', "'");
const WEATHER_OPTIONS = [
  'name: Home',
  'unique_id: hearth_test_weather',
  'condition_template: "rainy"',
  'temperature_template: "{{ 12.4 }}"',
  'humidity_template: "{{ 80 }}"',
  `forecast_daily_template: "{{ ${FORECAST} }}"`,
];
// A template weather entity whose daily forecast HA serves through weather.get_forecasts (HA ≥ 2024.3 has no
// forecast attribute). HA 2024.3 reads only the `weather: - platform: template` form (its `template:` weather
// must be trigger-based); 2026 no longer sets that form up and reads `template:`.
const weatherYaml = (version: HaVersion) =>
  version === '2024.3.3'
    ? `weather:\n  - platform: template\n${WEATHER_OPTIONS.map((o) => `    ${o}\n`).join('')}`
    : `template:\n  - weather:\n      - ${WEATHER_OPTIONS.map((o) => `${o}\n`).join('        ')}`;

describe.each(testedHaVersions())('the weather tile (real Home Assistant %s)', (version) => {
  let ha: HomeAssistant;
  let t: TestAppliance;
  let admin: HttpClient;
  let browser: Browser;

  beforeAll(async () => {
    let app: { t: TestAppliance; admin: HttpClient };
    [ha, app, browser] = await Promise.all([
      startHomeAssistant({ version, packages: { weather: weatherYaml(version) } }),
      startKioskAppliance(),
      launchChromium(),
    ]);
    ({ t, admin } = app);
    const set = await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
    if (set.status !== 200) throw new Error(set.text);
    await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 30_000, what: 'the HA link' });
    await ha.waitForState(WEATHER, () => true, 30_000);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await ha?.stop();
  });

  it('shows today and the next three days from weather.get_forecasts, conditions in the layout’s language', async () => {
    // Not on the wall's entity list yet: refused.
    expect((await admin.get(`/api/kiosk/forecast/${WEATHER}`)).status).toBe(403);
    expect((await admin.put('/api/admin/kiosk/entities', { entities: [{ entityId: WEATHER, allowToggle: false }] })).status).toBe(200);
    const res = await admin.put('/api/admin/kiosk/layout', {
      ...DEFAULT_KIOSK_LAYOUT,
      locale: 'pl-PL',
      night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false },
      tiles: [...DEFAULT_KIOSK_LAYOUT.tiles.filter((x) => x.type !== 'jobs'), { type: 'weather', x: 0, y: 1, w: 2, h: 1, options: { entityId: WEATHER } }],
    });
    expect(res.status, res.text).toBe(200);
    const { context, page } = await pairedPage(browser, t, admin);
    try {
      await page.waitForSelector('.weather-forecast li[data-day="3"]', { timeout: 15_000 });
      expect(await page.locator('.weather-forecast li').count()).toBe(4);
      expect(await page.textContent('.weather-cond')).toBe('Deszcz');
      expect(await page.locator('.weather-day-cond').allTextContents()).toEqual(['Deszcz', 'Słonecznie', 'Śnieg', 'Pochmurno']);
      expect(await page.textContent('.weather-forecast li[data-day="2"]')).toContain('1° / -3°');
      await screenshot(page, `weather-pl-${version}.png`);
    } finally {
      await context.close();
    }
    expect((await admin.get('/api/kiosk/forecast/light.kitchen')).status).toBe(400);
  });
});
