import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, launchChromium, PHONE, screenshot, seriousViolations, watch, type PageWatch } from './portal-support/browser.js';
import { apiLogin, invited, loginInBrowser, onboardInBrowser, photo, upload } from './portal-support/flows.js';

const SCRIPT_NAME = '<script>alert("name")</script>';
const IMG_TITLE = '<img src=x onerror=alert("title")>';
const IMG_DEVICE = '<img src=x onerror=alert("device")>';
const SCRIPT_PRESET = '<script>alert(1)</script>';

/** Wait until the page shows its heading and nothing is loading any more. */
async function settled(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

describe('portal pages in Chromium', () => {
  let t: TestAppliance;
  let browser: Browser;
  let admin: HttpClient;
  let member: HttpClient;
  let jobId: string;
  const contexts: BrowserContext[] = [];

  const open = async (viewport = DESKTOP): Promise<{ page: Page; seen: PageWatch }> => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    return { page, seen: watch(page) };
  };

  /** axe (no serious/critical findings) and a screenshot, at phone and desktop sizes. */
  const audit = async (page: Page, name: string) => {
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await settled(page);
      const found = await seriousViolations(page);
      expect(found.map((v) => `${name}/${size}: ${v.id} (${v.impact}) ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`)).toEqual([]);
      await screenshot(page, `${name}-${size}`);
    }
  };

  beforeAll(async () => {
    await ensurePortalBuilt();
    [t, browser] = await Promise.all([startTestAppliance({ product: true }), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  it('first run, login, invitation and reset pages pass axe and are screenshotted', async () => {
    const { page, seen } = await open();
    await page.goto(`${t.url}/`);
    await audit(page, 'onboarding');
    await onboardInBrowser(page, t.url);
    admin = await apiLogin(t.url, 'admin');
    member = await invited(admin, 'member', 'mia', SCRIPT_NAME);

    const anon = await open();
    await anon.page.goto(`${t.url}/`);
    await audit(anon.page, 'login');
    const invite = await admin.post('/api/admin/invites', { role: 'member' });
    await anon.page.goto(`${t.url}/invite#${String(invite.json.url).split('#')[1]}`);
    await anon.page.getByText('You are invited as member').waitFor();
    await audit(anon.page, 'invite');
    const reset = await admin.post(`/api/admin/users/${(await member.get('/api/me')).json.user.id}/reset-link`);
    expect(reset.status).toBe(201);
    await anon.page.goto(`${t.url}/reset#${String(reset.json.url).split('#')[1]}`);
    await anon.page.getByLabel('New password').waitFor();
    await audit(anon.page, 'reset');
    expect(seen.errors).toEqual([]);
    expect(anon.seen.errors).toEqual([]);
  });

  it('every signed-in page passes axe in light and dark themes and is screenshotted', { timeout: 120_000 }, async () => {
    // A scene with untrusted strings everywhere: names, a job title, a device and a preset.
    const mediaId = await upload(member, await photo(1), 'family');
    // No computer has joined: the admin lets such jobs wait (else they are refused at submit).
    expect((await admin.put('/api/admin/settings/job-waiting', { queueWithoutComputer: true })).json).toEqual({ queueWithoutComputer: true });
    const job = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId, scale: 2 }, title: IMG_TITLE });
    expect(job.status, job.text).toBe(201);
    jobId = job.json.id;
    expect((await admin.post('/api/admin/devices', { kind: 'agent', name: IMG_DEVICE })).status).toBe(201);
    expect((await admin.post('/api/admin/presets', { name: SCRIPT_PRESET, type: 'image.upscale', input: { mediaId, scale: 4 } })).status).toBe(201);

    const { page, seen } = await open();
    await loginInBrowser(page, t.url, 'admin');
    const pages: Array<[string, string]> = [
      ['home', '/'],
      ['new-job', '/jobs/new/image.upscale'],
      ['job', `/jobs/${jobId}`],
      ['gallery', '/gallery'],
      ['profile', '/profile'],
      ['admin-users', '/admin/users'],
      ['admin-devices', '/admin/devices'],
      ['admin-presets', '/admin/presets'],
      ['admin-smart-home', '/admin/smart-home'],
      ['admin-kiosk', '/admin/kiosk'],
      ['admin-audit', '/admin/audit'],
      ['admin-settings', '/admin/settings'],
    ];
    for (const [name, path] of pages) {
      await page.goto(`${t.url}${path}`);
      await audit(page, name);
    }
    await page.getByLabel('Theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    for (const [name, path] of pages.slice(0, 5)) {
      await page.goto(`${t.url}${path}`);
      await audit(page, `${name}-dark`);
    }
    expect(seen.errors).toEqual([]);
  });

  it('every page in Polish has no English left (names aside), and is screenshotted', { timeout: 120_000 }, async () => {
    const { page, seen } = await open(PHONE);
    await loginInBrowser(page, t.url, 'admin');
    await page.evaluate(() => localStorage.setItem('hearth.lang', 'pl'));
    const pages: Array<[string, string]> = [
      ['home', '/'],
      ['new-job', '/jobs/new/image.upscale'],
      ['new-generate', '/jobs/new/image.generate'],
      ['job', `/jobs/${jobId}`],
      ['gallery', '/gallery'],
      ['profile', '/profile'],
      ['admin-users', '/admin/users'],
      ['admin-devices', '/admin/devices'],
      ['admin-presets', '/admin/presets'],
      ['admin-smart-home', '/admin/smart-home'],
      ['admin-kiosk', '/admin/kiosk'],
      ['admin-audit', '/admin/audit'],
      ['admin-settings', '/admin/settings'],
    ];
    // What people typed (names, titles) and names of things (products, formats) are not the catalogue's to translate.
    const ALLOWED = [
      SCRIPT_NAME,
      IMG_TITLE,
      IMG_DEVICE,
      SCRIPT_PRESET,
      'Admin',
      'admin',
      'mia',
      'Hearth',
      'Home Assistant',
      'Home Assistantem',
      'ComfyUI',
      'Ollama',
      'OpenAI',
      'Wake-on-LAN',
      'PDF',
      'GIF',
      'English',
      'Polski',
    ];
    // Words of English UI text that are not also Polish words.
    const ENGLISH =
      /\b(the|and|your|you|job|jobs|picture|pictures|upload|download|waiting|computer|computers|settings|cancel|delete|save|gallery|profile|devices|loading|done|failed|of|with|for|from|not|yes|new|open|close|next|previous|page|pages|before|after|people|invite|invitation|name|role|family|mine|home|display|wall|layout|tile|audit|daily|today|left|hello|start|queued|running|cancelled|checked|private|only|share|who|can|see|what|when|where|this|that|is|are|it|an|no one|nothing|here|yet|there|please|choose|add|remove|theme|language|light|dark|system|skip|content|main)\b/i;
    for (const [name, path] of pages) {
      await page.goto(`${t.url}${path}`);
      await settled(page);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('pl');
      let text = await page.evaluate(() => document.body.innerText);
      for (const a of ALLOWED) text = text.replaceAll(a, ' ');
      // The audit log's action ids (login.succeeded, jobs.created) are codes, not prose.
      text = text.replace(/\b[a-z_-]+(\.[a-z_-]+)+\b/g, ' ').replace(/\b[a-z-]+:[\w.:-]+/g, ' ');
      const english = text.split('\n').filter((line) => ENGLISH.test(line));
      expect(english, `English on the Polish ${name} page`).toEqual([]);
      await screenshot(page, `${name}-pl-phone`);
    }
    expect(seen.errors).toEqual([]);
  });

  it('the wall display page edits the layout with the keyboard, shows the server’s refusal beside the tile, and drives night mode', async () => {
    const { page, seen } = await open();
    await loginInBrowser(page, t.url, 'admin');
    page.setDefaultTimeout(8000);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Wall display' }).click();
    await settled(page);
    const before = (await admin.get('/api/admin/kiosk/layout')).json;
    const tiles = page.locator('.kiosk-tiles > li');
    await expect(tiles.count()).resolves.toBe(before.tiles.length);

    // A new clock where the default layout has no room: the appliance refuses, and says so at that tile.
    await page.getByLabel('Kind of new tile').selectOption('clock');
    await page.getByRole('button', { name: 'Add tile' }).click();
    const added = before.tiles.length;
    await page.waitForFunction((id) => document.activeElement?.id === id, `tile-${added}-type`);
    await page.getByRole('button', { name: 'Save layout' }).click();
    const problem = tiles.nth(added).locator('.field-error');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(new RegExp(`^body\\.tiles\\.${added} \\(clock\\) overlaps body\\.tiles\\.0`));
    expect(await page.getByLabel('Column (from 0)').nth(added).getAttribute('aria-describedby')).toBe(`tile-${added}-problem`);
    expect((await admin.get('/api/admin/kiosk/layout')).json).toEqual(before);

    // Make room: one more row, the clock on it, then move it to the top of the list.
    await page.getByLabel('Rows', { exact: true }).fill(String(before.rows + 1));
    await page.getByLabel('Row (from 0)').nth(added).fill(String(before.rows));
    await page.getByLabel('Width').nth(added).fill('2');
    await page.getByRole('button', { name: `Move tile ${added + 1} up` }).press('Enter');
    await page.waitForFunction((id) => document.activeElement?.id === id, `tile-${added - 1}-up`);
    await page.getByRole('button', { name: 'Save layout' }).click();
    await page.getByRole('form', { name: 'Layout' }).getByText('Saved.').waitFor();
    const saved = (await admin.get('/api/admin/kiosk/layout')).json;
    expect(saved.rows).toBe(before.rows + 1);
    expect(saved.tiles[added - 1]).toEqual({ type: 'clock', x: 0, y: before.rows, w: 2, h: 1, options: { date: true } });
    expect(saved.tiles[added]).toEqual(before.tiles[added - 1]);

    // Removing it again puts the layout back as it was.
    await page.getByRole('button', { name: `Remove tile ${added}` }).click();
    await page.getByLabel('Rows', { exact: true }).fill(String(before.rows));
    await page.getByRole('button', { name: 'Save layout' }).click();
    await page.getByRole('form', { name: 'Layout' }).getByText('Saved.').waitFor();
    expect((await admin.get('/api/admin/kiosk/layout')).json).toEqual(before);

    // Night mode by hand reaches the appliance; a change from elsewhere (Home Assistant) shows up live.
    const night = page.getByLabel('Night mode');
    await night.check();
    await expect.poll(async () => (await admin.get('/api/admin/kiosk/control')).json.nightMode).toBe(true);
    await t.running.app.kioskControl.set({ nightMode: false, page: 'photos' });
    await expect.poll(() => night.isChecked()).toBe(false);
    await expect.poll(() => page.getByLabel('Page', { exact: true }).inputValue()).toBe('photos');
    // The answer to the earlier click must not undo the newer change.
    await page.waitForTimeout(300);
    expect(await night.isChecked()).toBe(false);
    await page.getByLabel('Page', { exact: true }).selectOption('home');
    await expect.poll(async () => (await admin.get('/api/admin/kiosk/control')).json.page).toBe('home');
    // Pairing codes live on the devices page; this page links there.
    await page.getByRole('link', { name: 'Pair a wall display' }).click();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    expect(seen.errors).toEqual([]);
  });

  it('the settings page saves daily job limits, showing the server’s refusal beside the field it names', async () => {
    const { page, seen } = await open();
    await loginInBrowser(page, t.url, 'admin');
    page.setDefaultTimeout(8000);
    await page.goto(`${t.url}/admin/settings`);
    await settled(page);
    const form = page.getByRole('form', { name: 'Daily job limits' });
    const members = form.getByLabel('Members: jobs per day');
    await expect(members.inputValue()).resolves.toBe('50');
    await expect(form.getByLabel('Admins: jobs per day').inputValue()).resolves.toBe('');

    await members.fill('-1');
    await form.getByRole('button', { name: 'Save limits' }).click();
    const problem = page.locator('#quota-member-error');
    await problem.waitFor();
    // The server's structured refusal (code too-small, limit 0, field member), in the person's language.
    expect(await problem.textContent()).toBe('At least 0');
    expect(await members.getAttribute('aria-describedby')).toBe('quota-member-hint quota-member-error');
    expect((await admin.get('/api/admin/settings/quotas')).json.member).toBe(50);

    await page.evaluate(() => localStorage.setItem('hearth.lang', 'pl'));
    await page.reload();
    await settled(page);
    const formPl = page.getByRole('form', { name: 'Dzienne limity zadań' });
    await formPl.getByLabel('Domownicy: zadań dziennie').fill('-1');
    await formPl.getByRole('button', { name: 'Zapisz limity' }).click();
    await page.locator('#quota-member-error').waitFor();
    expect(await page.locator('#quota-member-error').textContent()).toBe('Co najmniej 0');
    await page.evaluate(() => localStorage.setItem('hearth.lang', 'en'));
    await page.reload();
    await settled(page);

    await members.fill('3');
    await form.getByLabel('Children: jobs per day').fill('');
    await form.getByRole('button', { name: 'Save limits' }).click();
    await form.getByText('Saved.').waitFor();
    expect(await page.locator('#quota-member-error').count()).toBe(0);
    expect((await admin.get('/api/admin/settings/quotas')).json).toEqual({ admin: null, member: 3, child: null });
    expect((await member.get('/api/quota')).json.limit).toBe(3);
    // Back to the defaults, so later tests' jobs are not limited by this one.
    expect((await admin.put('/api/admin/settings/quotas', { admin: null, member: 50, child: 10 })).status).toBe(200);
    expect(seen.errors).toEqual([]);
  });

  it('renders <script> and <img onerror> payloads as text', async () => {
    const { page, seen } = await open();
    await loginInBrowser(page, t.url, 'admin');
    const checks: Array<[string, string]> = [
      ['/admin/users', SCRIPT_NAME],
      ['/admin/devices', IMG_DEVICE],
      ['/admin/presets', SCRIPT_PRESET],
      [`/jobs/${jobId}`, IMG_TITLE],
      ['/gallery', SCRIPT_NAME],
    ];
    for (const [path, payload] of checks) {
      await page.goto(`${t.url}${path}`);
      await settled(page);
      await page.getByText(payload, { exact: false }).first().waitFor();
      expect(await page.locator('img[src="x"]').count(), path).toBe(0);
      expect(await page.locator('body script').count(), path).toBe(0);
    }
    // The member sees their own job title on Home.
    const m = await open();
    await loginInBrowser(m.page, t.url, 'mia');
    await m.page.getByRole('link', { name: IMG_TITLE }).waitFor();
    expect(await m.page.locator('img[src="x"]').count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
    expect(m.seen.dialogs).toEqual([]);
    expect([...seen.errors, ...m.seen.errors]).toEqual([]);
  });

  it('a child gets no admin pages (UI and API) and sees only moderated family pictures', async () => {
    const child = await invited(admin, 'child', 'kid', 'Kid');
    const pending = await upload(member, await photo(2), 'family');
    const safe = await upload(member, await photo(3), 'family');
    const unsafe = await upload(member, await photo(4), 'family');
    t.running.app.media.setModeration(safe, 'safe');
    t.running.app.media.setModeration(unsafe, 'unsafe');

    for (const path of [
      '/api/admin/users',
      '/api/admin/devices',
      '/api/admin/audit',
      '/api/admin/settings',
      '/api/admin/presets',
      '/api/admin/kiosk/layout',
      '/api/admin/kiosk/control',
    ]) {
      expect((await child.get(path)).status, path).toBe(403);
    }

    const { page, seen } = await open(PHONE);
    await loginInBrowser(page, t.url, 'kid');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).resolves.not.toContain('Admin');
    await page.goto(`${t.url}/admin/users`);
    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create invitation link' }).count()).toBe(0);

    await page.goto(`${t.url}/gallery`);
    await settled(page);
    const shown = await page.locator('.gallery-grid img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    expect(shown.some((s) => s.includes(safe))).toBe(true);
    expect(shown.some((s) => s.includes(pending) || s.includes(unsafe))).toBe(false);
    // Nothing here is the child's to manage: no privacy or delete controls.
    expect(await page.locator('.gallery-grid select').count()).toBe(0);
    expect(await page.locator('.gallery-grid button:not(.media-open)').count()).toBe(0);
    await screenshot(page, 'child-gallery-phone');
    expect(seen.errors).toEqual([]);
  });

  it('reset link → new password → login; profile password change and log out; Polish persists', { timeout: 60_000 }, async () => {
    const sam = await invited(admin, 'member', 'sam', 'Sam');
    const samId = (await sam.get('/api/me')).json.user.id;
    const link = await admin.post(`/api/admin/users/${samId}/reset-link`);
    const { page, seen } = await open();
    await page.goto(`${t.url}/reset#${String(link.json.url).split('#')[1]}`);
    await page.getByLabel('New password').fill('short');
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('At least 10 characters', { exact: true }).last().waitFor();
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByLabel('Password again').fill('a brand new password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is set.').waitFor();

    await loginInBrowser(page, t.url, 'sam', 'a brand new password');
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByLabel('Current password').fill('a brand new password');
    await page.getByLabel('New password').fill('yet another password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.', { exact: false }).waitFor();
    // The session survives the change (new CSRF token from the answer), then logging out ends it.
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect((await apiLogin(t.url, 'sam', 'yet another password')).csrf).toBeTruthy();

    await page.getByLabel('Language').selectOption('pl');
    await page.getByRole('heading', { name: 'Zaloguj się' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Zaloguj się' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('pl');
    expect(seen.errors).toEqual([]);
  });
});
