/**
 * The comics studio in a real Chromium against a real appliance: a comic from a template, two
 * photos uploaded into panels, a bubble added and dragged, its tail dragged, everything still
 * there after a reload; a bubble moved by keyboard alone; the phone size; two windows saving the
 * same comic get the conflict and a clear choice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ComicView } from '@hearth/protocol';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, PHONE, launchChromium, screenshot, watch } from './portal-support/browser.js';
import { loginInBrowser, photo } from './portal-support/flows.js';

let t: TestAppliance;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await ensurePortalBuilt();
  [t, browser] = await Promise.all([startTestAppliance({ product: true }), launchChromium()]);
  await t.admin();
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

async function signedIn(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch: viewport === PHONE });
  contexts.push(context);
  const page = await context.newPage();
  await loginInBrowser(page, t.url, 'admin');
  return page;
}

/** The comic as the appliance has it, fetched in the page with its session. */
const saved = (page: Page, id: number) => page.evaluate(async (cid) => (await fetch(`/api/comics/${cid}`)).json(), id) as Promise<ComicView>;
const allSaved = (page: Page) => page.locator('[data-state="saved"]').waitFor({ timeout: 20_000 });
const bubbleBox = async (page: Page) => {
  const bubble = page.locator('[data-bubble]').first();
  await bubble.scrollIntoViewIfNeeded();
  return (await bubble.boundingBox())!;
};

async function newComic(page: Page, title: string, template: string): Promise<number> {
  await page.goto(`${t.url}/comics`);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel(template).check();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/comics\/\d+$/);
  // The URL changes before the editor has fetched the new comic: wait until its panels are drawn.
  await page.locator('.comic-panel').first().waitFor();
  return Number(page.url().split('/').pop());
}

async function uploadInto(page: Page, panel: number, seed: number) {
  await page.getByRole('button', { name: new RegExp(`^Panel ${panel}: `) }).click();
  await page.getByTestId('panel-upload').setInputFiles({ name: `photo-${seed}.png`, mimeType: 'image/png', buffer: await photo(seed, 320, 240) });
  await page.locator(`.comic-panel:nth-child(${panel}) .panel-picture img`).waitFor();
}

describe('the comics studio', () => {
  it('makes a comic from a template with two photos, a dragged bubble and tail, and keeps it all across a reload', { timeout: 120_000 }, async () => {
    const page = await signedIn();
    const seen = watch(page);
    const id = await newComic(page, 'Sunday at the lake', 'Four panels');
    expect(await page.locator('.comic-panel').count()).toBe(4);

    await uploadInto(page, 1, 11);
    await uploadInto(page, 2, 22);
    await page.getByRole('button', { name: /^Panel 1: / }).click();
    await page.getByRole('button', { name: 'Add a bubble' }).click();
    const bubble = page.locator('[data-bubble]').first();
    await bubble.waitFor();

    // Drag the bubble by 60 × 40 px with the mouse, then its tail.
    const before = await bubbleBox(page);
    await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
    await page.mouse.down();
    await page.mouse.move(before.x + before.width / 2 + 60, before.y + before.height / 2 + 40, { steps: 8 });
    await page.mouse.up();
    const tail = (await page.locator('[data-handle="tail"]').boundingBox())!;
    await page.mouse.move(tail.x + tail.width / 2, tail.y + tail.height / 2);
    await page.mouse.down();
    await page.mouse.move(tail.x + tail.width / 2 - 50, tail.y + tail.height / 2 + 10, { steps: 6 });
    await page.mouse.up();
    await allSaved(page);

    const comic = await saved(page, id);
    const panels = comic.pages[0]!.panels;
    expect(panels.filter((p) => p.mediaId).length).toBe(2);
    const b = panels[0]!.bubbles[0]!;
    const frame = (await page.locator('.comic-panel').first().boundingBox())!;
    expect(b.x).toBeCloseTo(0.05 + 60 / frame.width, 2);
    expect(b.y).toBeCloseTo(0.05 + 40 / frame.height, 2);
    expect(b.tail!.x).toBeCloseTo(0.3 - 50 / frame.width, 2);
    expect(b.tail!.y).toBeCloseTo(0.8 + 10 / frame.height, 2);
    await screenshot(page, 'comics-editor');

    await page.reload();
    await page.locator('[data-bubble]').first().waitFor();
    const after = await bubbleBox(page);
    expect(Math.abs(after.x - (before.x + 60))).toBeLessThan(2);
    expect(Math.abs(after.y - (before.y + 40))).toBeLessThan(2);
    expect(await page.locator('.panel-picture img').count()).toBe(2);
    expect(await saved(page, id)).toMatchObject({ pages: comic.pages });
    expect(seen.errors).toEqual([]);
  });

  it('moves a bubble with the keyboard alone, and undoes it', { timeout: 90_000 }, async () => {
    const page = await signedIn();
    const id = await newComic(page, 'Keys only', 'One panel');
    await page.getByRole('button', { name: /^Panel 1: / }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Add a bubble' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-bubble]').first().focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await allSaved(page);
    const moved = (await saved(page, id)).pages[0]!.panels[0]!.bubbles[0]!;
    expect(moved.x).toBeCloseTo(0.08, 5);
    expect(moved.y).toBeCloseTo(0.1, 5);
    // Its text, edited in place with the keyboard.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Who ate my sandwich?');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Z');
    await allSaved(page);
    // The whole typing was one step: undo brings the first words back, and that is saved.
    expect((await saved(page, id)).pages[0]!.panels[0]!.bubbles[0]!.text).toBe('Hello!');
  });

  it('fits a phone (390 × 844) and drags there too', { timeout: 90_000 }, async () => {
    const page = await signedIn(PHONE);
    const id = await newComic(page, 'On the phone', 'Six panels');
    const canvas = (await page.locator('.comic-page').boundingBox())!;
    expect(canvas.width).toBeLessThanOrEqual(PHONE.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole('button', { name: /^Panel 3: / }).click();
    await page.getByRole('button', { name: 'Add a bubble' }).click();
    const box = await bubbleBox(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 20, box.y + box.height / 2 + 15, { steps: 5 });
    await page.mouse.up();
    await allSaved(page);
    const b = (await saved(page, id)).pages[0]!.panels[2]!.bubbles[0]!;
    expect(b.x).toBeGreaterThan(0.05);
    expect(b.y).toBeGreaterThan(0.05);
    // A picture drawn by hand, with the mouse standing in for a finger.
    await page.getByRole('button', { name: /^Panel 4: / }).click();
    await page.getByRole('button', { name: 'Draw it yourself' }).click();
    await page.getByRole('radio', { name: 'Red' }).click();
    const pad = page.getByLabel('Drawing area: draw with a finger, a pen or the mouse');
    await pad.scrollIntoViewIfNeeded();
    const area = (await pad.boundingBox())!;
    await page.mouse.move(area.x + 20, area.y + 20);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width - 20, area.y + area.height - 20, { steps: 10 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Use this drawing' }).click();
    await page.locator('.comic-panel:nth-child(4) .panel-picture img').waitFor();
    await allSaved(page);
    const drawn = (await saved(page, id)).pages[0]!.panels[3]!.mediaId!;
    const pixels = await page.evaluate(async (m) => {
      const bmp = await createImageBitmap(await (await fetch(`/api/media/${m}`)).blob());
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const mid = ctx.getImageData(bmp.width / 2, bmp.height / 2, 1, 1).data;
      const corner = ctx.getImageData(bmp.width - 5, 5, 1, 1).data;
      return { mid: [...mid], corner: [...corner] };
    }, drawn);
    expect(pixels.mid.slice(0, 3)).toEqual([192, 57, 43]); // the red line through the middle
    expect(pixels.corner.slice(0, 3)).toEqual([255, 255, 255]);
    await screenshot(page, 'comics-editor-phone');
  });

  it('speaks Polish', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'pl-PL' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${t.url}/`);
    await page.getByLabel('Nazwa użytkownika').fill('admin');
    await page.locator('input[type="password"]').fill('family password 123');
    await page.getByRole('button', { name: 'Zaloguj', exact: true }).click();
    await page.getByRole('link', { name: 'Komiksy' }).click();
    await page.getByRole('heading', { name: 'Komiksy', level: 1 }).waitFor();
    await page.getByLabel('Cztery kadry').check();
    await page.getByRole('button', { name: 'Utwórz' }).click();
    await page.getByRole('button', { name: /^Kadr 1: / }).click();
    await page.getByRole('button', { name: 'Dodaj dymek' }).click();
    await page.locator('[data-bubble]').first().waitFor();
    expect(await page.locator('[data-bubble]').first().innerText()).toBe('Cześć!');
    await page.locator('[data-state="saved"]').getByText('Wszystko zapisane').waitFor({ timeout: 20_000 });
  });

  it('two windows editing the same comic: the second save gets the conflict and a clear choice', { timeout: 90_000 }, async () => {
    const first = await signedIn();
    const id = await newComic(first, 'Two parents', 'Two panels');
    const second = await signedIn();
    await second.goto(`${t.url}/comics/${id}`);
    await second.getByLabel('Title').waitFor();

    await first.getByLabel('Title').fill('Mum saved first');
    await allSaved(first);
    await second.getByLabel('Title').fill('Dad saved second');
    const dialog = second.getByRole('alertdialog', { name: 'Someone else saved this comic' });
    await dialog.waitFor();
    await expect(dialog.getByRole('button', { name: 'Keep my version' }).isVisible()).resolves.toBe(true);
    await expect(dialog.getByRole('button', { name: 'Use their version' }).isVisible()).resolves.toBe(true);
    expect((await saved(second, id)).title).toBe('Mum saved first');
    await dialog.getByRole('button', { name: 'Keep my version' }).click();
    await allSaved(second);
    const after = await saved(second, id);
    expect(after.title).toBe('Dad saved second');
    expect(after.version).toBe(3);
  });
});
