import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { startTestAppliance, type TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';

export const ARTIFACTS = new URL('../../test-artifacts/kiosk/', import.meta.url);

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The whole product appliance (jobs, media, HA, MQTT device, kiosk feed) on private Redis/Mosquitto. */
export async function startKioskAppliance(): Promise<{ t: TestAppliance; admin: HttpClient }> {
  const t = await startTestAppliance({ product: true });
  return { t, admin: await t.admin() };
}

export async function pairingCode(admin: HttpClient, name = 'Kitchen'): Promise<{ code: string; url: string }> {
  const res = await admin.post('/api/admin/kiosk/pairing-codes', { name });
  if (res.status !== 201) throw new Error(`pairing code: ${res.status} ${res.text}`);
  return res.json;
}

/** A fresh browser profile paired through the portal's link; returns once the layout is drawn. */
export async function pairedPage(
  browser: Browser,
  t: TestAppliance,
  admin: HttpClient,
  viewport = { width: 1920, height: 1080 },
  query = '',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const { code } = await pairingCode(admin);
  await page.goto(`${t.url}/kiosk${query}#pair=${code}`);
  await page.waitForSelector('.kiosk[data-night]');
  return { context, page };
}

/** Upload `n` distinct pictures for the wall (seeds from `first`: the same seed is the same file) and mark them checked (no moderation agent runs here). */
export async function kioskPictures(t: TestAppliance, admin: HttpClient, n: number, first = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = first; i < first + n; i++) {
    const png = await sharp({ create: { width: 1600, height: 1000, channels: 3, background: { r: (i * 67) % 256, g: (i * 131) % 256, b: (i * 29) % 256 } } })
      .composite([
        { input: { create: { width: 400, height: 300, channels: 3, background: { r: 255 - ((i * 67) % 256), g: 200, b: 40 } } }, left: 100 + i * 50, top: 100 },
      ])
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('privacy', 'kiosk');
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), `wall-${i}.png`);
    const res = await admin.post('/api/media', form);
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
    ids.push(res.json.id);
  }
  t.running.app.db.prepare(`UPDATE media SET moderation = 'safe' WHERE id IN (${ids.map(() => '?').join(',')})`).run(...ids);
  return ids;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL(name, ARTIFACTS).pathname });
}

/** JS heap after a full GC, and live DOM nodes, as Chromium counts them. */
export async function memoryOf(page: Page): Promise<{ heapBytes: number; nodes: number; images: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? NaN;
  const images = await page.evaluate(() => document.querySelectorAll('img').length);
  return { heapBytes: usedSize, nodes, images };
}
