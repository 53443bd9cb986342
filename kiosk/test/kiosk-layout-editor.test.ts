import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEFAULT_KIOSK_LAYOUT } from '@hearth/protocol';
import type { TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { ensurePortalBuilt } from '../../appliance/test/portal-support/build.js';
import { loginInBrowser } from '../../appliance/test/portal-support/flows.js';
import { launchChromium, pairedPage, screenshot, startKioskAppliance } from './support.js';

let t: TestAppliance;
let admin: HttpClient;
let browser: Browser;

beforeAll(async () => {
  await ensurePortalBuilt();
  [{ t, admin }, browser] = await Promise.all([startKioskAppliance(), launchChromium()]);
  const res = await admin.put('/api/admin/kiosk/layout', { ...DEFAULT_KIOSK_LAYOUT, night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false } });
  if (res.status !== 200) throw new Error(res.text);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the visual layout editor', () => {
  it('dragging and resizing a tile on the scaled preview redraws the paired wall at once (two Chromium pages)', async () => {
    const wall = await pairedPage(browser, t, admin, { width: 1280, height: 720 });
    const portalContext = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const portal = await portalContext.newPage();
    try {
      await loginInBrowser(portal, t.url, 'admin');
      await portal.goto(`${t.url}/admin/kiosk`);
      const preview = portal.locator('.kiosk-preview');
      await preview.waitFor();
      await preview.scrollIntoViewIfNeeded();
      const box = (await preview.boundingBox())!;
      const cell = { w: box.width / DEFAULT_KIOSK_LAYOUT.columns, h: box.height / DEFAULT_KIOSK_LAYOUT.rows };
      // The agents tile (x 0, y 2, 4×1) shrinks to 2 wide, then the jobs tile (x 0, y 1, 2×1) moves
      // into the space it left (x 2, y 2).
      const agents = portal.locator('.preview-tile[data-tile-index="3"] .preview-resize');
      const a = (await agents.boundingBox())!;
      await portal.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await portal.mouse.down();
      await portal.mouse.move(a.x - 2 * cell.w + a.width / 2, a.y + a.height / 2, { steps: 8 });
      const sent = Date.now();
      await portal.mouse.up();
      await wall.page.waitForFunction(() => (document.querySelector('.tile-agents') as HTMLElement | null)?.style.gridColumn === '1 / span 2', undefined, {
        timeout: 10_000,
      });
      console.log(`layout editor: resize let go → wall redrawn in ${Date.now() - sent} ms`);

      const jobs = portal.locator('.preview-tile[data-tile-index="2"]');
      const j = (await jobs.boundingBox())!;
      await portal.mouse.move(j.x + cell.w / 2, j.y + j.height / 2);
      await portal.mouse.down();
      await portal.mouse.move(j.x + cell.w / 2 + 2 * cell.w, j.y + j.height / 2 + cell.h, { steps: 8 });
      const moved = Date.now();
      await portal.mouse.up();
      await wall.page.waitForFunction(() => (document.querySelector('.tile-jobs') as HTMLElement | null)?.style.gridRow === '3 / span 1', undefined, {
        timeout: 10_000,
      });
      console.log(`layout editor: move let go → wall redrawn in ${Date.now() - moved} ms`);
      const saved = (await admin.get('/api/admin/kiosk/layout')).json;
      expect(saved.tiles[3]).toMatchObject({ type: 'agents', x: 0, y: 2, w: 2, h: 1 });
      expect(saved.tiles[2]).toMatchObject({ type: 'jobs', x: 2, y: 2, w: 2, h: 1 });
      expect(await wall.page.$eval('.tile-jobs', (el) => (el as HTMLElement).style.gridColumn)).toBe('3 / span 2');

      await preview.screenshot({ path: new URL('../../test-artifacts/kiosk/layout-editor.png', import.meta.url).pathname });
      await screenshot(wall.page, 'layout-editor-wall.png');

      // Onto the slideshow: the appliance refuses it, the wall keeps what it had, and so does the preview.
      const jb = (await jobs.boundingBox())!;
      await portal.mouse.move(jb.x + cell.w / 2, jb.y + jb.height / 2);
      await portal.mouse.down();
      await portal.mouse.move(jb.x + cell.w / 2, jb.y + jb.height / 2 - cell.h, { steps: 8 });
      await portal.mouse.up();
      await portal
        .getByText(/overlaps/)
        .first()
        .waitFor();
      expect((await admin.get('/api/admin/kiosk/layout')).json.tiles[2]).toMatchObject({ x: 2, y: 2 });
      expect(await wall.page.$eval('.tile-jobs', (el) => (el as HTMLElement).style.gridRow)).toBe('3 / span 1');
      // Back on the agents' row in the preview too.
      await portal.waitForFunction(() => {
        const top = (i: number) => document.querySelector(`.preview-tile[data-tile-index="${i}"]`)!.getBoundingClientRect().top;
        return Math.abs(top(2) - top(3)) < 1;
      });
    } finally {
      await portalContext.close();
      await wall.context.close();
    }
  });
});
