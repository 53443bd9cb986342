import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEFAULT_KIOSK_LAYOUT, type KioskLayout } from '@hearth/protocol';
import { startHomeAssistant, testedHaVersions, type HomeAssistant } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { launchChromium, pairedPage, screenshot, startKioskAppliance } from './support.js';
import { hearthTestIntegration } from './ha-stand-ins.js';
import { ensurePortalBuilt } from '../../appliance/test/portal-support/build.js';
import { loginInBrowser } from '../../appliance/test/portal-support/flows.js';

const FAMILY = 'calendar.family';
const WORK = 'calendar.work';
/** Two calendars; only the family's goes on the wall. Days count from HA's today (UTC, as the test machine). */
const CALENDARS = `
calendar:
  - platform: hearth_test
    name: Family
    events:
      - { summary: Dentist, day: 0, at: "09:30", minutes: 45 }
      - { summary: Football, day: 1, at: "17:00", minutes: 90 }
      - { summary: Grandma's birthday, day: 1 }
      - { summary: Not yet, day: 2, at: "08:00" }
      - { summary: Last week, day: -7, at: "08:00" }
  - platform: hearth_test
    name: Work
    events:
      - { summary: Board meeting, day: 0, at: "11:00" }
`;

describe.each(testedHaVersions())('the calendar tile (real Home Assistant %s)', (version) => {
  let ha: HomeAssistant;
  let t: TestAppliance;
  let admin: HttpClient;
  let browser: Browser;

  beforeAll(async () => {
    let app: { t: TestAppliance; admin: HttpClient };
    [ha, app, browser] = await Promise.all([
      ensurePortalBuilt().then(() => startHomeAssistant({ version, packages: { calendars: CALENDARS }, configFiles: hearthTestIntegration })),
      startKioskAppliance(),
      launchChromium(),
    ]);
    ({ t, admin } = app);
    const set = await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
    if (set.status !== 200) throw new Error(set.text);
    await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 30_000, what: 'the HA link' });
    await ha.waitForState(FAMILY, () => true, 30_000);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await ha?.stop();
  });

  const layoutWith = (locale: string): KioskLayout => ({
    ...DEFAULT_KIOSK_LAYOUT,
    locale,
    night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false },
    tiles: [
      ...DEFAULT_KIOSK_LAYOUT.tiles.filter((x) => x.type !== 'jobs'),
      { type: 'calendar', x: 0, y: 1, w: 2, h: 1, options: { title: 'Family', entityIds: [FAMILY] } },
    ],
  });

  it('the layout editor offers HA’s calendars for a new calendar tile', async () => {
    expect(
      (await admin.put('/api/admin/kiosk/layout', { ...DEFAULT_KIOSK_LAYOUT, tiles: DEFAULT_KIOSK_LAYOUT.tiles.filter((x) => x.type !== 'jobs') })).status,
    ).toBe(200);
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const portal = await context.newPage();
    try {
      await loginInBrowser(portal, t.url, 'admin');
      await portal.goto(`${t.url}/admin/kiosk`);
      await portal.locator('#tile-add-type').selectOption('calendar');
      await portal.getByRole('button', { name: 'Add tile' }).click();
      const picker = portal.locator('#tile-3-calendars');
      await picker.locator(`input[value="${WORK}"]`).waitFor();
      expect(await picker.locator('label').allTextContents()).toEqual(expect.arrayContaining(['Family', 'Work']));
      await picker.locator(`input[value="${FAMILY}"]`).check();
      await portal.locator('#tile-3-title').fill('Family');
      await picker.scrollIntoViewIfNeeded();
      await portal.screenshot({ path: new URL(`../../test-artifacts/kiosk/calendar-editor-${version}.png`, import.meta.url).pathname });
      await portal.getByRole('button', { name: 'Save layout' }).click();
      await waitFor(async () => (await admin.get('/api/admin/kiosk/layout')).json.tiles.length === 4, { what: 'the saved layout' });
      expect((await admin.get('/api/admin/kiosk/layout')).json.tiles[3]).toMatchObject({
        type: 'calendar',
        x: 0,
        y: 1,
        options: { title: 'Family', entityIds: [FAMILY] },
      });
    } finally {
      await context.close();
    }
    // A calendar that is not HA's calendar domain is refused by the schema.
    const bad = await admin.put('/api/admin/kiosk/layout', {
      ...DEFAULT_KIOSK_LAYOUT,
      tiles: [{ type: 'calendar', x: 0, y: 0, w: 1, h: 1, options: { entityIds: ['light.kitchen'] } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toMatch(/^tiles\.0/);
  });

  it('shows today’s and tomorrow’s events of the chosen calendar only, times as the locale writes them', async () => {
    // No calendar tile: nothing to read, and HA is not asked.
    expect((await admin.put('/api/admin/kiosk/layout', DEFAULT_KIOSK_LAYOUT)).status).toBe(200);
    expect((await admin.get('/api/kiosk/calendar')).json).toEqual({ events: [] });
    expect((await admin.put('/api/admin/kiosk/layout', layoutWith('pl-PL'))).status).toBe(200);
    const api = await admin.get('/api/kiosk/calendar');
    expect(api.status, api.text).toBe(200);
    // The wall reads only the calendars on its layout, and only today and tomorrow.
    expect(api.json.events.map((e: { summary: string }) => e.summary).sort()).toEqual(['Dentist', 'Football', "Grandma's birthday"]);
    expect(api.json.events.find((e: { summary: string }) => e.summary === "Grandma's birthday")).toMatchObject({ entityId: FAMILY, allDay: true });

    const { context, page } = await pairedPage(browser, t, admin);
    try {
      await page.waitForSelector('.cal-day[data-day="1"] .cal-event', { timeout: 15_000 });
      expect(await page.textContent('.cal-day[data-day="0"] h3')).toBe('Dziś');
      expect(await page.locator('.cal-day[data-day="0"] .cal-event').allTextContents()).toEqual(['9:30–10:15Dentist']);
      // All-day first, then by time.
      expect(await page.locator('.cal-day[data-day="1"] .cal-event').allTextContents()).toEqual(["cały dzieńGrandma's birthday", '17:00–18:30Football']);
      expect(await page.textContent('.tile-calendar')).not.toContain('Board meeting');
      await screenshot(page, `calendar-pl-${version}.png`);

      // 12-hour clock for the US, without a leading zero.
      expect((await admin.put('/api/admin/kiosk/layout', layoutWith('en-US'))).status).toBe(200);
      await page.waitForFunction(() => document.querySelector('.cal-day[data-day="0"] h3')?.textContent === 'Today', undefined, { timeout: 10_000 });
      const dentist = (await page.textContent('.cal-day[data-day="0"] .cal-time'))!.replace(/\s/g, ' ');
      expect(dentist).toBe('9:30 AM–10:15 AM');
      await screenshot(page, `calendar-en-${version}.png`);
    } finally {
      await context.close();
    }
  });

  it('keeps the last events and states, greyed out with the time of the last news, when HA stops answering; never an error', async () => {
    // An entities tile beside the calendar: HA's states grey out too.
    expect((await admin.put('/api/admin/kiosk/entities', { entities: [{ entityId: FAMILY, allowToggle: false }] })).status).toBe(200);
    const layout = layoutWith('en-GB');
    layout.tiles = [...layout.tiles.filter((x) => x.type !== 'agents'), { type: 'entities', x: 0, y: 2, w: 4, h: 1, options: { entityIds: [FAMILY] } }];
    expect((await admin.put('/api/admin/kiosk/layout', layout)).status).toBe(200);
    const { context, page } = await pairedPage(browser, t, admin, { width: 390, height: 844 }, '?calendarMs=500&pollMs=500');
    try {
      await page.waitForSelector('.cal-event', { timeout: 15_000 });
      await page.waitForSelector(`[data-entity="${FAMILY}"]`);
      expect(await page.locator('.tile-entities.tile-stale').count()).toBe(0);
      await ha.stop();
      // The next ask fails: the tile stays, grey, and says since when.
      expect((await admin.get('/api/kiosk/calendar')).status).toBeGreaterThanOrEqual(500);
      await page.waitForSelector('.calendar.stale', { timeout: 15_000 });
      expect(await page.textContent('.calendar .tile-stale-note')).toMatch(/^not updated since \d{1,2}:\d{2}$/);
      await page.waitForSelector('.tile-entities.tile-stale', { timeout: 30_000 });
      expect(await page.textContent('.tile-entities .tile-stale-note')).toMatch(/^not updated since \d{1,2}:\d{2}$/);
      expect(await page.textContent(`[data-entity="${FAMILY}"] .entity-name`)).toBe('Family');
      expect(await page.locator('.cal-event').count()).toBeGreaterThan(0);
      await screenshot(page, `calendar-stale-phone-${version}.png`);
    } finally {
      await context.close();
    }
  });
});
