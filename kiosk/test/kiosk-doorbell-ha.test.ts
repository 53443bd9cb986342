import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { DEFAULT_KIOSK_LAYOUT } from '@hearth/protocol';
import { startHomeAssistant, testedHaVersions, type HomeAssistant } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { launchChromium, pairedPage, screenshot, startKioskAppliance } from './support.js';
import { hearthTestIntegration } from './ha-stand-ins.js';

const BELL = 'binary_sensor.front_doorbell';
const CAMERA = 'camera.front_door';
const PRESS = 'input_boolean.doorbell_press';
/** A doorbell button (the `template:` form, read by 2024.3 and 2026) and the camera by the door. */
const DOORBELL = `
input_boolean:
  doorbell_press:
    name: Doorbell press
template:
  - binary_sensor:
      - name: Front doorbell
        unique_id: hearth_test_front_doorbell
        state: "{{ is_state('${PRESS}', 'on') }}"
camera:
  - platform: hearth_test
    name: Front door
    file: front.jpg
`;

/** Everything a page sends and receives (bodies too), to look for HA's token afterwards. */
function recordTraffic(page: Page): { lines: string[]; settled: () => Promise<unknown> } {
  const lines: string[] = [];
  const bodies: Array<Promise<unknown>> = [];
  page.on('request', (r) => lines.push(`${r.method()} ${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`));
  page.on('response', (r) => {
    lines.push(`${r.status()} ${r.url()} ${JSON.stringify(r.headers())}`);
    // An endless MJPEG body never finishes: its frames are checked through the appliance's own route below.
    if (!r.url().includes('/camera/stream'))
      bodies.push(
        r
          .body()
          .then((b) => lines.push(b.toString('latin1')))
          .catch(() => undefined),
      );
  });
  return { lines, settled: () => Promise.all(bodies) };
}

describe.each(testedHaVersions())('the doorbell on the wall (real Home Assistant %s)', (version) => {
  let ha: HomeAssistant;
  let t: TestAppliance;
  let admin: HttpClient;
  let browser: Browser;

  beforeAll(async () => {
    const picture = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 30, g: 90, b: 160 } } })
      .composite([{ input: { create: { width: 200, height: 300, channels: 3, background: { r: 230, g: 190, b: 150 } } }, left: 220, top: 120 }])
      .jpeg()
      .toBuffer();
    let app: { t: TestAppliance; admin: HttpClient };
    [ha, app, browser] = await Promise.all([
      startHomeAssistant({ version, packages: { doorbell: DOORBELL }, configFiles: hearthTestIntegration }),
      startKioskAppliance(),
      launchChromium(),
    ]);
    ({ t, admin } = app);
    // The camera reads its picture on every request: it may arrive after HA started.
    await writeFile(join(ha.configDir, 'front.jpg'), picture);
    const set = await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
    if (set.status !== 200) throw new Error(set.text);
    await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 30_000, what: 'the HA link' });
    await ha.waitForState(CAMERA, () => true, 30_000);
    await ha.waitForState(BELL, (s) => s.state === 'off', 30_000);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await ha?.stop();
  });

  const ring = async () => {
    await ha.callService('input_boolean', 'turn_off', { entity_id: PRESS });
    await ha.waitForState(BELL, (s) => s.state === 'off');
    await ha.callService('input_boolean', 'turn_on', { entity_id: PRESS });
  };

  it('a ring shows HA’s MJPEG stream through the appliance for showS, then the layout; snapshots when the stream fails; the wall never sees HA’s token', async () => {
    const layout = await admin.put('/api/admin/kiosk/layout', {
      ...DEFAULT_KIOSK_LAYOUT,
      night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false },
      doorbell: { entityId: BELL, cameraEntityId: CAMERA, showS: 4 },
    });
    expect(layout.status, layout.text).toBe(200);
    const { context, page } = await pairedPage(browser, t, admin);
    const traffic = recordTraffic(page);
    const shown = () =>
      page.waitForFunction(() => (document.querySelector('.doorbell img') as HTMLImageElement | null)?.naturalWidth === 640, undefined, { timeout: 15_000 });
    try {
      await page.waitForSelector('.kiosk[data-screen="awake"]');
      await ring();
      await page.waitForSelector(`.doorbell[data-camera="${CAMERA}"][data-mode="stream"]`, { timeout: 10_000 });
      // The picture is HA's camera, come through the appliance as a stream.
      await shown();
      await screenshot(page, `doorbell-${version}.png`);
      // Then the layout again, by itself.
      await page.waitForSelector('.kiosk[data-screen="awake"]', { timeout: 15_000 });
      expect(await page.locator('.doorbell').count()).toBe(0);

      // A stream that fails (here: cut by the test) falls back to single pictures.
      await page.route('**/api/kiosk/camera/stream*', (route) => route.abort());
      await ring();
      await page.waitForSelector('.doorbell[data-mode="snapshots"]', { timeout: 10_000 });
      await shown();
      await page.waitForSelector('.kiosk[data-screen="awake"]', { timeout: 15_000 });

      await traffic.settled();
      expect(traffic.lines.some((l) => l.includes('/api/kiosk/camera/stream'))).toBe(true);
      expect(traffic.lines.some((l) => /\/api\/kiosk\/camera\?n=\d/.test(l))).toBe(true);
      expect(traffic.lines.filter((l) => l.includes(ha.token))).toEqual([]);
      expect(traffic.lines.filter((l) => l.includes(new URL(ha.url).host))).toEqual([]);
    } finally {
      await context.close();
    }

    // The stream as the appliance passes it on: MJPEG parts, each a JPEG, no token anywhere.
    const ctl = new AbortController();
    const res = await fetch(`${t.url}/api/kiosk/camera/stream`, { headers: { cookie: admin.cookie! }, signal: ctl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/x-mixed-replace/);
    const reader = res.body!.getReader();
    let bytes = Buffer.alloc(0);
    while (bytes.indexOf(Buffer.from([0xff, 0xd9])) < 0) bytes = Buffer.concat([bytes, (await reader.read()).value!]);
    ctl.abort();
    expect(bytes.indexOf(Buffer.from([0xff, 0xd8, 0xff]))).toBeGreaterThan(0);
    expect(bytes.includes(ha.token)).toBe(false);

    // Only the chosen camera, and only for the wall and admins.
    expect((await t.client().get('/api/kiosk/camera')).status).toBe(401);
    expect((await t.client().get('/api/kiosk/camera/stream')).status).toBe(401);
    const member = await t.user(admin, 'member');
    expect((await member.get('/api/kiosk/camera')).status).toBe(403);
    expect((await member.get('/api/kiosk/camera/stream')).status).toBe(403);
    const bad = await admin.put('/api/admin/kiosk/layout', {
      ...DEFAULT_KIOSK_LAYOUT,
      doorbell: { entityId: BELL, cameraEntityId: 'light.kitchen', showS: 4 },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('cameraEntityId');
  });
});
