import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEFAULT_KIOSK_LAYOUT } from '@hearth/protocol';
import { waitFor } from '@hearth/testkit';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { kioskPictures, launchChromium, memoryOf, pairedPage, pairingCode, screenshot, startKioskAppliance } from './support.js';

let t: TestAppliance;
let admin: HttpClient;
let browser: Browser;

beforeAll(async () => {
  ({ t, admin } = await startKioskAppliance());
  // Night by the clock is tested on its own (schedule.test.ts); here only Home Assistant's switch counts.
  const layout = { ...DEFAULT_KIOSK_LAYOUT, night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false } };
  const res = await admin.put('/api/admin/kiosk/layout', layout);
  if (res.status !== 200) throw new Error(res.text);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the wall display', () => {
  it('shows an unpaired browser nothing but "pair this screen", pairs once, and refuses a reused or expired code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const answers: Array<{ url: string; status: number }> = [];
    page.on('response', (r) => answers.push({ url: r.url(), status: r.status() }));
    await page.goto(`${t.url}/kiosk`);
    await page.waitForSelector('[data-screen="pairing"]');
    expect(await page.locator('.tile').count()).toBe(0);
    expect(await page.textContent('h1')).toBe('Pair this screen');
    // No data reached the page: every API answer it got was a refusal.
    expect(answers.filter((a) => a.url.includes('/api/') && a.status < 400)).toEqual([]);

    const { code } = await pairingCode(admin, 'Typed');
    // Typed on the touch keypad, as on a real wall.
    for (const ch of code) await page.click(`.keypad button:text-is("${ch}")`);
    await page.click('.keypad button[type="submit"]');
    await page.waitForSelector('.kiosk[data-night="false"] .tile-clock');
    expect(await page.locator('.tile').count()).toBe(DEFAULT_KIOSK_LAYOUT.tiles.length);
    // The session survives a reload: it is a cookie, not page state.
    await page.reload();
    await page.waitForSelector('.tile-clock');

    const second = await browser.newContext();
    const other = await second.newPage();
    await other.goto(`${t.url}/kiosk#pair=${code}`);
    await other.waitForSelector('.pairing-error');
    expect(await other.textContent('.pairing-error')).toMatch(/already used/);
    expect(await other.locator('.tile').count()).toBe(0);

    // A Polish browser pairs in Polish, the appliance's reason translated too (a phone-sized screen here).
    const polish = await browser.newContext({ locale: 'pl-PL', viewport: { width: 390, height: 844 } });
    const pl = await polish.newPage();
    await pl.goto(`${t.url}/kiosk#pair=${code}`);
    await pl.waitForSelector('.pairing-error');
    expect(await pl.textContent('h1')).toBe('Sparuj ten ekran');
    expect(await pl.textContent('.pairing-error')).toBe('Ten kod parowania został już użyty: utwórz nowy w portalu');
    await screenshot(pl, 'pairing-pl-phone.png');
    await polish.close();

    const late = await pairingCode(admin, 'Late');
    t.running.app.db.prepare('UPDATE kiosk_pairing_codes SET expires_at = ? WHERE name = ?').run(Date.now() - 1, 'Late');
    await other.goto('about:blank');
    await other.goto(`${t.url}/kiosk#pair=${late.code}`);
    await other.waitForFunction(() => /expired/.test(document.querySelector('.pairing-error')?.textContent ?? ''));
    expect(await other.locator('.tile').count()).toBe(0);
    await context.close();
    await second.close();
  });

  it('dims at night when Home Assistant says so, and wakes again — screenshots at two sizes, day and night', async () => {
    await kioskPictures(t, admin, 3);
    for (const viewport of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 800 },
    ]) {
      const { context, page } = await pairedPage(browser, t, admin, viewport);
      await page.waitForSelector('.slideshow img');
      await screenshot(page, `day-${viewport.width}x${viewport.height}.png`);

      await t.running.app.kioskControl.set({ nightMode: true });
      await page.waitForSelector('.kiosk[data-night="true"] .clock-big', { timeout: 5000 });
      // Night hides the slideshow (its pictures are released) and everything but a dim clock.
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('.tile').count()).toBe(0);
      const opacity = await page.$eval('.night-clock', (el) => Number(getComputedStyle(el).opacity));
      expect(opacity).toBeCloseTo(DEFAULT_KIOSK_LAYOUT.night.brightness, 2);
      await screenshot(page, `night-${viewport.width}x${viewport.height}.png`);

      await t.running.app.kioskControl.set({ nightMode: false });
      await page.waitForSelector('.kiosk[data-night="false"] .tile-clock', { timeout: 5000 });
      await context.close();
    }
  });

  it('recovers by itself after the appliance restarts: data flows again without a reload', async () => {
    const { context, page } = await pairedPage(browser, t, admin);
    await page.evaluate(() => {
      (window as unknown as { bootMark: number }).bootMark = 42;
    });
    await t.restart();
    try {
      // The kiosk's stream reaches the new appliance process by itself (backoff, not a reload)...
      await waitFor(() => t.running.app.events.size > 0, { timeoutMs: 45_000, what: 'the kiosk to reconnect' });
      await page.waitForFunction(() => !document.querySelector('.offline-badge'), undefined, { timeout: 30_000 });
      // ...and something only a live stream can bring arrives: the new process switches night mode on.
      await t.running.app.kioskControl.set({ nightMode: true });
      await page.waitForSelector('.kiosk[data-night="true"]', { timeout: 10_000 });
      expect(await page.evaluate(() => (window as unknown as { bootMark?: number }).bootMark)).toBe(42);
    } finally {
      await t.running.app.kioskControl.set({ nightMode: false });
      await context.close();
    }
  });

  it('keeps memory flat over 1,000 slideshow rotations, with at most two pictures alive', async () => {
    await t.running.app.kioskControl.set({ page: 'photos' });
    const { context, page } = await pairedPage(browser, t, admin, { width: 1280, height: 800 }, '?slideMs=5');
    const rotations = () => page.$eval('.slideshow', (el) => Number((el as HTMLElement).dataset.rotations ?? 0));
    await page.waitForFunction(() => Number((document.querySelector('.slideshow') as HTMLElement | null)?.dataset.rotations ?? 0) >= 50, undefined, {
      timeout: 60_000,
    });
    const before = await memoryOf(page);
    const start = await rotations();
    let most = 0;
    while ((await rotations()) < start + 1000) {
      most = Math.max(most, await page.evaluate(() => document.querySelectorAll('img').length));
      await page.waitForTimeout(200);
    }
    const after = await memoryOf(page);
    console.log(
      `kiosk slideshow: ${(await rotations()) - start} rotations, heap ${(before.heapBytes / 1e6).toFixed(2)} → ${(after.heapBytes / 1e6).toFixed(2)} MB, DOM nodes ${before.nodes} → ${after.nodes}, most <img> at once ${most}`,
    );
    expect(most).toBeLessThanOrEqual(2);
    expect(after.images).toBeLessThanOrEqual(2);
    expect(after.nodes - before.nodes).toBeLessThanOrEqual(20);
    expect(after.heapBytes - before.heapBytes).toBeLessThan(1_000_000);
    await t.running.app.kioskControl.set({ page: 'home' });
    await context.close();
  });
});
