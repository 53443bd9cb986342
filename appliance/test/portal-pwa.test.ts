import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { launchChromiumProfile, screenshot, watch } from './portal-support/browser.js';
import { onboardInBrowser, photo } from './portal-support/flows.js';

interface Manifest {
  name: string;
  short_name: string;
  lang: string;
  start_url: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: Array<{ src: string; sizes: string; type: string; purpose?: string }>;
  share_target?: unknown;
}

describe('installable portal (PWA) in Chromium', () => {
  let t: TestAppliance;
  let context: BrowserContext;
  let profile: string;
  let closed = false;

  beforeAll(async () => {
    await ensurePortalBuilt();
    profile = await mkdtemp(join(tmpdir(), 'hearth-pwa-'));
    [t, context] = await Promise.all([startTestAppliance({ product: true }), launchChromiumProfile(profile, 'en-GB')]);
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    if (!closed) await t?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('serves an English and a Polish manifest whose icons exist at their stated sizes', async () => {
    for (const [file, lang, name] of [
      ['manifest.webmanifest', 'en', /family home hub/],
      ['manifest.pl.webmanifest', 'pl', /rodzinne centrum/],
    ] as const) {
      const res = await fetch(`${t.url}/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/manifest\+json|application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const m = (await res.json()) as Manifest;
      expect(m).toMatchObject({ lang, short_name: 'Hearth', start_url: '/', display: 'standalone', theme_color: '#b43f0a' });
      expect(m.name).toMatch(name);
      for (const icon of m.icons.filter((i) => i.type === 'image/png')) {
        const png = Buffer.from(await (await fetch(`${t.url}${icon.src}`)).arrayBuffer());
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        // The IHDR chunk holds width and height right after the signature and chunk header.
        expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(icon.sizes);
      }
      expect(m.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
      expect(m.icons.some((i) => i.purpose === 'maskable')).toBe(true);
      expect(m.share_target).toEqual({
        action: '/share-target',
        method: 'POST',
        enctype: 'multipart/form-data',
        params: { files: [{ name: 'photos', accept: ['image/*'] }] },
      });
    }
  });

  it('puts photos shared to the app into the gallery through the upload route, only for a signed-in person', async () => {
    const page = await context.newPage();
    await page.goto(`${t.url}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    // What Android does on "Share → Hearth": a multipart POST to the manifest's share_target action.
    const share = async (count: number, broken = false) => {
      await page.evaluate(() => {
        const form = document.createElement('form');
        form.method = 'post';
        form.enctype = 'multipart/form-data';
        form.action = '/share-target';
        form.id = 'share';
        const input = document.createElement('input');
        input.type = 'file';
        input.name = 'photos';
        input.multiple = true;
        form.append(input);
        document.body.append(form);
      });
      const files = await Promise.all(
        Array.from({ length: count }, async (_, i) => ({
          name: `shared-${i}.png`,
          mimeType: 'image/png',
          buffer: broken ? Buffer.from('not a picture') : await photo(i + 7),
        })),
      );
      await page.setInputFiles('#share input', files);
      await Promise.all([page.waitForNavigation(), page.evaluate(() => (document.getElementById('share') as HTMLFormElement).submit())]);
    };

    // Nobody signed in (not even an admin yet): nothing is stored, and the landing page says why.
    await share(1);
    expect(new URL(page.url()).pathname).toBe('/gallery');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ 'share-failed': '1', 'share-total': '1', 'share-reason': 'signed-out' });
    await onboardInBrowser(page, t.url);
    const count = () => page.evaluate(async () => ((await (await fetch('/api/media?scope=mine')).json()) as { media: unknown[] }).media.length);
    expect(await count()).toBe(0);

    await share(2);
    expect(new URL(page.url()).pathname).toBe('/gallery');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await count()).toBe(2);

    // A file the hub refuses (it does not decode as a picture): the gallery says so instead of nothing.
    await share(1, true);
    await page.getByRole('heading', { name: 'Gallery', level: 1 }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('1 of 1 shared files were not saved: only JPEG, PNG, WebP and GIF pictures can be added.');
    await screenshot(page, 'share-refused-gallery');
    expect(await count()).toBe(2);

    // Signed out later: the login page says the shared photos were not saved.
    await context.clearCookies();
    await share(2);
    await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('You were not logged in, so the 2 shared files were not saved. Log in, then share them again.');
    await screenshot(page, 'share-refused-login');
    await page.close();
  }, 120_000);

  it('is installable per Chromium, follows the language, and shows the offline shell when the hub is gone', async () => {
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${t.url}/`);
    await page.locator('main h1').first().waitFor();
    expect(await page.getAttribute('link[rel="manifest"]', 'href')).toBe('/manifest.webmanifest');

    // The page is controlled once the worker has installed (shell cached) and claimed it.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    const cached = await page.evaluate(async () => {
      const keys: string[] = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) keys.push(new URL(r.url).pathname);
      return keys;
    });
    expect(cached).toEqual(['/offline.html']);

    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: Array<{ message: string }>; parsed?: { name?: string } };
    expect(manifest.url).toBe(`${t.url}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const installability = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: Array<{ errorId: string }> };
    expect(installability.installabilityErrors).toEqual([]);

    // Switching the portal to Polish points the page at the Polish manifest.
    await page.evaluate(() => localStorage.setItem('hearth.lang', 'pl'));
    await page.reload();
    await page.locator('main h1').first().waitFor();
    expect(await page.getAttribute('link[rel="manifest"]', 'href')).toBe('/manifest.pl.webmanifest');
    // Whether Chromium re-reads a manifest whose link changed after load is its own timing (a full CI
    // run saw it take over 30 s); the Polish file itself is checked field by field in the first test.

    // API responses went through untouched and were never cached.
    expect(await page.evaluate(async () => (await caches.keys()).length)).toBe(1);

    await t.close();
    closed = true;
    await page.reload();
    await page.locator('#offline-title').waitFor();
    expect(await page.textContent('#offline-title')).toContain('unreachable');
    expect(await page.textContent('[lang="pl"] h2')).toContain('nieosiągalny');
    // A deep link while the hub is down gets the same shell, not a browser error page.
    await page.goto(`${t.url}/gallery`);
    await page.locator('#offline-title').waitFor();
    expect(seen.errors).toEqual([]);
    expect(seen.dialogs).toEqual([]);
  }, 120_000);
});
