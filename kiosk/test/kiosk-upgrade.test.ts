import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { waitFor } from '@hearth/testkit';
import { productCapabilities } from '../../appliance/src/capabilities.js';
import { startTestAppliance, type TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { launchChromium, pairedPage } from './support.js';

/** A wall display nobody touches must pick up a new appliance version by itself. */
let version = '1.0.0';
let t: TestAppliance;
let admin: HttpClient;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([
    // The version is read at every start, so a restart below comes up as an upgrade.
    startTestAppliance({ capabilities: (c, log, config) => productCapabilities(config, c, log, version) }),
    launchChromium(),
  ]);
  admin = await t.admin();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the wall display after an upgrade', () => {
  it('reloads itself when the appliance comes back with a new version, and stays paired', async () => {
    const { context, page } = await pairedPage(browser, t, admin);
    try {
      await page.evaluate(() => {
        (window as unknown as { bootMark: number }).bootMark = 7;
      });
      version = '1.1.0';
      await t.restart();
      // A reload drops everything the old page held, the mark included.
      await page.waitForFunction(() => (window as unknown as { bootMark?: number }).bootMark === undefined, undefined, { timeout: 45_000 });
      await page.waitForSelector('.kiosk[data-night]', { timeout: 15_000 });
      const feed = await page.evaluate(async () => (await fetch('/api/kiosk/feed')).json());
      expect(feed.version).toBe('1.1.0');
      await waitFor(() => t.running.app.events.size > 0, { timeoutMs: 15_000, what: 'the reloaded kiosk on the events stream' });
    } finally {
      await context.close();
    }
  }, 120_000);
});
