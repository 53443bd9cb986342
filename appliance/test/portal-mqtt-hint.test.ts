import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import mqtt from 'mqtt';
import { freePort, startRedis, tempDir, type RedisInstance } from '@hearth/testkit';
import { startAppliance, type RunningAppliance } from '../src/server.js';
import { productCapabilities } from '../src/capabilities.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, launchChromium, seriousViolations, watch } from './portal-support/browser.js';
import { onboardInBrowser } from './portal-support/flows.js';

/**
 * What the README promises: an admin makes a Home Assistant device in the portal and is told, right
 * under its token, how HA signs in to the embedded broker — and those words work.
 */
describe('the Devices page and the embedded MQTT broker', () => {
  let redis: RedisInstance;
  let data: Awaited<ReturnType<typeof tempDir>>;
  let running: RunningAppliance;
  let browser: Browser;
  let mqttPort: number;

  beforeAll(async () => {
    await ensurePortalBuilt();
    redis = await startRedis();
    data = await tempDir('hearth-portal-mqtt-');
    mqttPort = await freePort();
    running = await startAppliance(
      {
        host: '127.0.0.1',
        port: 0,
        dataDir: data.path,
        redisUrl: redis.url,
        mqttUrl: undefined,
        mqttHost: '127.0.0.1',
        mqttPort,
        trustProxy: false,
        publicUrl: undefined,
        logLevel: process.env.HEARTH_TEST_LOG ?? 'silent',
      },
      { capabilities: (c, log, config) => productCapabilities(config, c, log) },
    );
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await redis?.close();
    await data?.remove();
  });

  it('shows how Home Assistant signs in, and that sign-in works', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const seen = watch(page);
    page.setDefaultTimeout(10_000);
    await onboardInBrowser(page, running.url);
    await page.goto(`${running.url}/admin/devices`);
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByLabel('Kind').selectOption('home-assistant');
    await page.getByLabel('Name').first().fill('Home Assistant');
    await page.getByRole('button', { name: 'Create token' }).click();
    const hint = page.getByText(/In Home Assistant: Settings/);
    await hint.waitFor();
    expect(await hint.textContent()).toContain(`port ${mqttPort}, username homeassistant, password: the token above`);
    await page.getByText(/listens only on this machine: set HEARTH_MQTT_HOST=0\.0\.0\.0/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const token = (await page.getByLabel('Token for Home Assistant').inputValue()).trim();
    expect(token).toMatch(/^hd_\d+_/);
    const ha = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'homeassistant', password: token, reconnectPeriod: 0 });
    expect(ha.connected).toBe(true);
    await ha.endAsync();
    expect(seen.errors).toEqual([]);
    await context.close();
  }, 120_000);
});
