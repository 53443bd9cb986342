/**
 * The family's journey in a real Chromium against a real appliance (private Redis and Mosquitto)
 * and a real gpu-agent process running ESRGAN on tfjs WASM: first run, an invitation, a photo
 * uploaded, an upscale watched to 100 %, the result found in the gallery.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startAgent, type AgentProcess } from '../../gpu-agent/test/helpers.js';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { launchChromium, PHONE, DESKTOP, screenshot, watch } from './portal-support/browser.js';
import { onboardInBrowser, PASSWORD, photo } from './portal-support/flows.js';

describe('the family journey in the portal', () => {
  let t: TestAppliance;
  let browser: Browser;
  let agent: AgentProcess | undefined;
  let dir: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensurePortalBuilt();
    dir = await mkdtemp(join(tmpdir(), 'hearth-portal-journey-'));
    [t, browser] = await Promise.all([startTestAppliance({ product: true }), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await agent?.stop('SIGKILL');
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('onboarding → invitation → member uploads, upscales, watches 100 %, finds the result in the gallery', { timeout: 180_000 }, async () => {
    // The admin sets Hearth up, invites a member and makes the GPU agent's token, all in the portal.
    const adminContext = await browser.newContext({ viewport: DESKTOP, permissions: ['clipboard-read', 'clipboard-write'] });
    contexts.push(adminContext);
    const adminPage = await adminContext.newPage();
    const adminSeen = watch(adminPage);
    await onboardInBrowser(adminPage, t.url, 'Mum');
    await adminPage.getByRole('link', { name: 'Admin' }).click();
    await adminPage.getByLabel('Role', { exact: true }).selectOption('member');
    await adminPage.getByRole('button', { name: 'Create invitation link' }).click();
    const inviteUrl = await adminPage.getByLabel('Invitation link (send it to the person)').inputValue();
    expect(inviteUrl).toMatch(/\/invite#[A-Za-z0-9_-]{43}$/);
    await adminPage.getByRole('button', { name: 'Copy' }).click();
    await adminPage.getByText('Copied.').waitFor();
    expect(await adminPage.evaluate(() => navigator.clipboard.readText())).toBe(inviteUrl);

    await adminPage.getByRole('link', { name: 'Devices' }).click();
    await adminPage.getByLabel('Kind').selectOption('agent');
    await adminPage.getByLabel('Name', { exact: true }).first().fill('Family PC');
    await adminPage.getByRole('button', { name: 'Create token' }).click();
    const token = await adminPage.getByLabel('Token for Family PC').inputValue();
    expect(token).toMatch(/^hd_/);

    agent = startAgent({
      AGENT_ID: 'family-pc',
      AGENT_NAME: 'Family PC',
      MQTT_URL: t.mosquitto.url,
      REDIS_URL: t.redis.url,
      APPLIANCE_URL: t.url,
      AGENT_TOKEN: token,
      AGENT_DATA_DIR: join(dir, 'agent'),
      NVIDIA_SMI: join(dir, 'no-nvidia-smi'),
      LOG_LEVEL: 'info',
    });

    // The member accepts on a phone.
    const memberContext = await browser.newContext({ viewport: PHONE });
    contexts.push(memberContext);
    const page = await memberContext.newPage();
    const seen = watch(page);
    await page.goto(inviteUrl.replace(/^https?:\/\/[^/]+/, t.url));
    await page.getByText('You are invited as member').waitFor();
    await page.getByLabel('Your name').fill('Mia');
    await page.getByLabel('Username', { exact: true }).fill('mia');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('heading', { name: 'Hello, Mia' }).waitFor();
    // The agent shows up live on Home once it has announced itself.
    await page.getByText('Family PC').waitFor({ timeout: 60_000 });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('What to do').selectOption('image.upscale');
    const file = join(dir, 'garden.png');
    // Big enough for several ESRGAN tiles, so the bar has stages to show on the way.
    await writeFile(file, await photo(7, 288, 288));
    await page.locator('#f-mediaId-file').setInputFiles(file);
    await page.getByRole('img', { name: 'Chosen picture 1' }).waitFor();
    await page.getByLabel('Title (optional)').fill('Garden, bigger');
    await page.getByRole('button', { name: 'Start' }).click();

    await page.getByRole('heading', { name: 'Garden, bigger' }).waitFor();
    const bar = page.getByRole('progressbar', { name: 'Progress of Garden, bigger' });
    const seenValues = new Set<number>();
    const deadline = Date.now() + 150_000;
    for (;;) {
      const now = Number(await bar.getAttribute('aria-valuenow', { timeout: 5000 }).catch(() => -1));
      if (now >= 0) seenValues.add(now);
      if (now === 100 && (await page.getByText('done', { exact: true }).count()) > 0) break;
      if (Date.now() > deadline) throw new Error(`the bar did not reach 100 % (saw ${[...seenValues].join(', ')}); agent log:\n${agent.output().slice(-3000)}`);
      await page.waitForTimeout(100);
    }
    // Live: the bar moved through values between 0 and 100 while the agent worked, without a reload.
    expect(
      [...seenValues].some((v) => v > 0 && v < 100),
      `values seen: ${[...seenValues].join(', ')}`,
    ).toBe(true);
    await screenshot(page, 'journey-job-done-phone');
    // The upscale is shown over the original (a before/after slider).
    const resultImg = page.getByRole('img', { name: 'After' });
    await resultImg.waitFor();
    const resultSrc = (await resultImg.getAttribute('src'))!;
    const resultId = /\/api\/media\/([a-f0-9]{64})\//.exec(resultSrc)![1]!;

    await page.getByRole('link', { name: 'See it in the gallery' }).click();
    await page.getByRole('button', { name: 'Mine' }).click();
    await page.locator(`.gallery-grid img[src*="${resultId}"]`).waitFor();
    // The thumbnail really loads (the route serves the upscaled picture's WebP).
    await page.waitForFunction((id) => {
      const img = document.querySelector<HTMLImageElement>(`.gallery-grid img[src*="${id}"]`);
      return Boolean(img?.complete && img.naturalWidth > 0);
    }, resultId);
    await screenshot(page, 'journey-gallery-phone');
    expect(seen.dialogs).toEqual([]);
    expect([...seen.errors, ...adminSeen.errors]).toEqual([]);
  });
});
