/**
 * A day on the wall in minutes: does the kiosk page's memory stay flat over 24 hours?
 *   node --import tsx bench/kiosk-day/run.ts [hours=24] [stepMin=5] [flips=100]
 * The kiosk page runs in Chromium under Playwright's fake clock (Date, timers, animation frames),
 * advanced `stepMin` simulated minutes at a time, with real network in between: the clock ticks,
 * the burn-in shift, the feed poll every 30 s, the slideshow (4 pictures), the night schedule
 * (22:00–06:30, so the day crosses night → day → night), and the appliance pushing something
 * every simulated hour (the photos page on odd hours, home on even ones). JS heap after a full GC,
 * DOM nodes and live <img> every 4 simulated hours, always on the home page (day) or the night clock.
 * Anchor: the same page at simulated hour 2 (09:00, home page).
 * Then, with real timers, `flips` remounts of the whole wall (home → photos → home, and day → night →
 * day), DOM nodes and heap after a full GC every quarter: what months of such changes leave behind.
 */
import { DEFAULT_KIOSK_LAYOUT, type KioskLayout } from '@hearth/protocol';
import type { Page } from 'playwright-core';
import { kioskPictures, launchChromium, memoryOf, pairedPage, pairingCode, startKioskAppliance } from '../../kiosk/test/support.js';

const HOURS = Number(process.argv[2] ?? 24);
const STEP_MIN = Number(process.argv[3] ?? 5);
const FLIPS = Number(process.argv[4] ?? 100);
const mb = (n: number) => `${(n / 1e6).toFixed(3)} MB`;
const realPause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { t, admin } = await startKioskAppliance();
const browser = await launchChromium();
try {
  const layout: KioskLayout = {
    ...DEFAULT_KIOSK_LAYOUT,
    tiles: [
      { type: 'clock', x: 0, y: 0, w: 2, h: 1, options: { seconds: true } },
      { type: 'slideshow', x: 2, y: 0, w: 2, h: 2, options: {} },
      { type: 'jobs', x: 0, y: 1, w: 2, h: 1, options: {} },
      { type: 'agents', x: 0, y: 2, w: 4, h: 1, options: {} },
    ],
  };
  await admin.put('/api/admin/kiosk/layout', layout);
  await kioskPictures(t, admin, 4);
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  // 07:00 local on some day: morning, so the run crosses the evening's night schedule and the next morning.
  const start = new Date();
  start.setHours(7, 0, 0, 0);
  await page.clock.install({ time: start });
  const { code } = await pairingCode(admin);
  await page.goto(`${t.url}/kiosk#pair=${code}`);
  // Every handle Playwright hands back keeps its element (and a detached tree) alive: let go at once.
  await (await page.waitForSelector('.kiosk[data-night]'))?.dispose();

  const samples: Array<{ hour: number; heap: number; nodes: number; images: number; night: string }> = [];
  let pushes = 0;
  const began = Date.now();
  const steps = (HOURS * 60) / STEP_MIN;
  for (let i = 1; i <= steps; i++) {
    await page.clock.runFor(STEP_MIN * 60_000);
    // Real time for the fetches and image loads the simulated minutes started.
    await realPause(40);
    const minute = i * STEP_MIN;
    if (minute % 60 === 0) {
      const hour = minute / 60;
      await t.running.app.kioskControl.set({ page: hour % 2 === 1 ? 'photos' : 'home' });
      pushes++;
      if (hour === 2 || hour % 4 === 0) {
        await realPause(200);
        const m = await memoryOf(page);
        const night = await page.$eval('.kiosk', (el) => (el as HTMLElement).dataset.night ?? '');
        samples.push({ hour, heap: m.heapBytes, nodes: m.nodes, images: m.images, night });
      }
    }
  }
  const tookS = (Date.now() - began) / 1000;
  console.table(samples.map((s) => ({ hour: s.hour, heap: mb(s.heap), nodes: s.nodes, img: s.images, night: s.night })));
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const rotations = await page.$eval('.slideshow', (el) => Number((el as HTMLElement).dataset.rotations ?? 0)).catch(() => NaN);
  console.log(
    `${HOURS} simulated hours in ${tookS.toFixed(0)} s real (${STEP_MIN}-min steps, ${pushes} pushes from the appliance): heap ${mb(first.heap)} at hour ${first.hour} → ${mb(last.heap)} at hour ${last.hour} (growth ${mb(last.heap - first.heap)}, ${((last.heap / first.heap - 1) * 100).toFixed(1)} %), DOM nodes ${first.nodes} → ${last.nodes}, <img> at most ${Math.max(...samples.map((s) => s.images))}; slideshow on its last mount ${rotations} rotations`,
  );
  await context.close();

  // Remounts with real timers. Handles are disposed at once (see above).
  const until = async (p: Page, selector: string) => (await p.waitForSelector(selector))?.dispose();
  const control = t.running.app.kioskControl;
  // Day and night by the control only: the real clock may be in the schedule's night.
  await admin.put('/api/admin/kiosk/layout', { ...layout, night: { ...layout.night, scheduled: false } });
  const wall = await pairedPage(browser, t, admin, { width: 1280, height: 720 }, '?slideMs=300');
  await until(wall.page, '.kiosk.day .slideshow img');
  for (const kind of ['photos', 'night'] as const) {
    const start = await memoryOf(wall.page);
    const rows = [{ flips: 0, nodes: start.nodes, heap: mb(start.heapBytes) }];
    for (let i = 1; i <= FLIPS; i++) {
      await control.set(kind === 'photos' ? { page: 'photos' } : { nightMode: true });
      await until(wall.page, kind === 'photos' ? '.kiosk.photos .slideshow img' : '.kiosk.night');
      await control.set({ page: 'home', nightMode: false });
      await until(wall.page, '.kiosk.day .slideshow img');
      if (i % (FLIPS / 4) === 0) {
        const m = await memoryOf(wall.page);
        rows.push({ flips: i, nodes: m.nodes, heap: mb(m.heapBytes) });
      }
    }
    console.log(`${FLIPS} remounts home → ${kind} → home (real timers):`);
    console.table(rows);
  }
  await wall.context.close();
} finally {
  await browser.close();
  await t.close();
}
