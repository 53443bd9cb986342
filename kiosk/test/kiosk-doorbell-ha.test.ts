import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { DEFAULT_KIOSK_LAYOUT } from '@hearth/protocol';
import { startHomeAssistant, type HomeAssistant } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { launchChromium, pairedPage, screenshot, startKioskAppliance } from './support.js';

const BELL = 'binary_sensor.front_doorbell';
const CAMERA = 'camera.front_door';

let ha: HomeAssistant;
let t: TestAppliance;
let admin: HttpClient;
let browser: Browser;

beforeAll(async () => {
  // HA's local_file camera serves this picture through its camera proxy, like a real doorbell camera.
  const dir = await mkdtemp(join(tmpdir(), 'hearth-doorbell-'));
  const picture = join(dir, 'front.jpg');
  await writeFile(picture, await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 30, g: 90, b: 160 } } })
    .composite([{ input: { create: { width: 200, height: 300, channels: 3, background: { r: 230, g: 190, b: 150 } } }, left: 220, top: 120 }]).jpeg().toBuffer());
  const doorbell = `
input_boolean:
  doorbell_press:
    name: Doorbell press
binary_sensor:
  - platform: template
    sensors:
      front_doorbell:
        friendly_name: Front doorbell
        value_template: "{{ is_state('input_boolean.doorbell_press', 'on') }}"
camera:
  - platform: local_file
    name: Front door
    file_path: ${picture}
`;
  let app: { t: TestAppliance; admin: HttpClient };
  [ha, app, browser] = await Promise.all([startHomeAssistant({ packages: { doorbell } }), startKioskAppliance(), launchChromium()]);
  ({ t, admin } = app);
  const set = await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
  if (set.status !== 200) throw new Error(set.text);
  await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 30_000, what: 'the HA link' });
  await ha.waitForState(CAMERA, () => true, 30_000);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await ha?.stop();
});

describe('the doorbell on the wall (real HA)', () => {
  it('a ring shows that camera full screen through the appliance for showS, then the layout again; the wall never sees HA’s token', async () => {
    const layout = await admin.put('/api/admin/kiosk/layout', {
      ...DEFAULT_KIOSK_LAYOUT,
      night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false },
      doorbell: { entityId: BELL, cameraEntityId: CAMERA, showS: 4 },
    });
    expect(layout.status, layout.text).toBe(200);
    const { context, page } = await pairedPage(browser, t, admin);
    // Everything the wall sends and receives, to look for the token afterwards.
    const traffic: string[] = [];
    page.on('request', (r) => traffic.push(`${r.method()} ${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`));
    page.on('response', (r) => {
      traffic.push(`${r.status()} ${r.url()} ${JSON.stringify(r.headers())}`);
      void r.body().then((b) => traffic.push(b.toString('latin1'))).catch(() => undefined);
    });
    try {
      await page.waitForSelector('.kiosk[data-screen="awake"]');
      await ha.callService('input_boolean', 'turn_on', { entity_id: 'input_boolean.doorbell_press' });
      await page.waitForSelector(`.doorbell[data-camera="${CAMERA}"]`, { timeout: 10_000 });
      // The picture is HA's camera image, come through the appliance.
      await page.waitForFunction(() => (document.querySelector('.doorbell img') as HTMLImageElement | null)?.naturalWidth === 640, undefined, { timeout: 10_000 });
      await screenshot(page, 'doorbell.png');
      // Then the layout again, by itself.
      await page.waitForSelector('.kiosk[data-screen="awake"]', { timeout: 15_000 });
      expect(await page.locator('.doorbell').count()).toBe(0);
      await page.waitForTimeout(300); // bodies still being read
      expect(traffic.some((l) => l.includes('/api/kiosk/camera'))).toBe(true);
      expect(traffic.filter((l) => l.includes(ha.token))).toEqual([]);
      expect(traffic.filter((l) => l.includes(new URL(ha.url).host))).toEqual([]);
    } finally {
      await context.close();
    }
    // Only the chosen camera, and only for the wall and admins.
    expect((await t.client().get('/api/kiosk/camera')).status).toBe(401);
    const member = await t.user(admin, 'member');
    expect((await member.get('/api/kiosk/camera')).status).toBe(403);
    const bad = await admin.put('/api/admin/kiosk/layout', { ...DEFAULT_KIOSK_LAYOUT, doorbell: { entityId: BELL, cameraEntityId: 'light.kitchen', showS: 4 } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('cameraEntityId');
  });
});
