/**
 * The portal a family actually uses, in a real Chromium against a real appliance (private Redis
 * and Mosquitto) and real gpu-agent processes: the admin's first-run checklist ticking itself as
 * things get set up, a picture-from-words job refused while no computer has ever offered ComfyUI,
 * then waiting (and naming the computer being woken) once the only ComfyUI computer sleeps, and
 * results in human terms: before/after slider, an animated GIF, a PDF viewer, moderation as a
 * sentence. ComfyUI is the recorded stand-in (gpu-agent/test/standins/comfyui), the GPU the
 * stand-in nvidia-smi; everything else is the real thing.
 */
import { createSocket, type Socket } from 'node:dgram';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { agentTopics } from '@hearth/protocol';
import { freePort, waitFor } from '@hearth/testkit';
import { startAgent, type AgentProcess } from '../../gpu-agent/test/helpers.js';
import { STANDIN_NVIDIA_SMI } from '../../gpu-agent/test/fixtures.js';
import { ComfyStandin } from '../../gpu-agent/test/standins/comfyui/server.js';
import { magicPacket } from '../src/agents/wake-on-lan.js';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, launchChromium, PHONE, screenshot, watch, type PageWatch } from './portal-support/browser.js';
import { apiLogin, invited, onboardInBrowser, photo, scene, upload } from './portal-support/flows.js';

/** Screenshots at desktop and phone size (the README shows some of them). */
async function bothSizes(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    await screenshot(page, `${name}-${size}`);
  }
  await page.setViewportSize(DESKTOP);
}

const item = (page: Page, id: string) => page.locator(`[data-item="${id}"]`);
const isDone = (page: Page, id: string) => item(page, id).and(page.locator('[data-done="yes"]')).waitFor({ timeout: 60_000 });

describe('the portal a family uses', () => {
  let t: TestAppliance;
  let browser: Browser;
  let comfy: ComfyStandin;
  let dir: string;
  let admin: HttpClient;
  let agentToken: string;
  let udp: Socket;
  const packets: Buffer[] = [];
  const agents: AgentProcess[] = [];
  const contexts: BrowserContext[] = [];
  let page: Page;
  let seen: PageWatch;

  const agent = (id: string, name: string, env: Record<string, string> = {}) => {
    const a = startAgent({
      AGENT_ID: id,
      AGENT_NAME: name,
      MQTT_URL: t.mosquitto.url,
      REDIS_URL: t.redis.url,
      APPLIANCE_URL: t.url,
      AGENT_TOKEN: agentToken,
      AGENT_DATA_DIR: join(dir, id),
      NVIDIA_SMI: join(dir, 'no-nvidia-smi'),
      LOG_LEVEL: 'info',
      ...env,
    });
    agents.push(a);
    return a;
  };
  const job = async (id: string) => (await admin.get(`/api/jobs/${id}`)).json;
  const until = (id: string, status: string) =>
    waitFor(async () => ((await job(id)).status === status ? true : null), { timeoutMs: 120_000, intervalMs: 250, what: `job ${id} ${status}` });
  const submit = async (type: string, input: Record<string, unknown>, title?: string) => {
    const res = await admin.post('/api/jobs', { type, input, ...(title ? { title } : {}) });
    expect(res.status, res.text).toBe(201);
    return res.json.id as string;
  };

  beforeAll(async () => {
    await ensurePortalBuilt();
    dir = await mkdtemp(join(tmpdir(), 'hearth-first-run-'));
    [t, browser, comfy] = await Promise.all([startTestAppliance({ product: true }), launchChromium(), new ComfyStandin().start()]);
    udp = createSocket('udp4');
    udp.on('message', (m) => packets.push(m));
    const port = await freePort();
    await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
    await t.running.app.settings.update((s) => {
      (s as Record<string, unknown>).wakeOnLan = { broadcastAddress: '127.0.0.1', port, extraTargets: [] };
    });
    const context = await browser.newContext({ viewport: DESKTOP });
    contexts.push(context);
    page = await context.newPage();
    seen = watch(page);
  }, 120_000);
  afterAll(async () => {
    for (const a of agents) await a.stop('SIGKILL');
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await comfy?.stop();
    udp?.close();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a new admin sees the checklist; inviting the family ticks its item; dismissing is per admin', { timeout: 120_000 }, async () => {
    await onboardInBrowser(page, t.url, 'Mum');
    const list = page.getByRole('region', { name: 'Getting started' });
    await list.waitFor();
    expect(await page.locator('[data-item][data-done="no"]').count()).toBe(6);
    await expect.poll(() => item(page, 'invite').getByRole('link', { name: 'Invite the family' }).getAttribute('href')).toBe('/admin/users');
    expect(await item(page, 'backends').getByRole('link').getAttribute('href')).toBe('/admin/computers');
    await screenshot(page, 'first-run-checklist-empty');

    admin = await apiLogin(t.url, 'admin');
    await invited(admin, 'member', 'dad', 'Dad');
    const otherAdmin = await invited(admin, 'admin', 'gran', 'Gran');
    await page.getByRole('link', { name: 'Invite the family' }).click();
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await isDone(page, 'invite');

    // Gran hides her list; Mum's stays.
    expect((await otherAdmin.put('/api/admin/getting-started', { dismissed: true })).json.dismissed).toBe(true);
    expect((await otherAdmin.get('/api/admin/getting-started')).json.dismissed).toBe(true);
    expect((await admin.get('/api/admin/getting-started')).json.dismissed).toBe(false);
    expect((await (await invited(admin, 'member', 'kid', 'Kid')).get('/api/admin/getting-started')).status).toBe(403);
    const audit = await admin.get('/api/admin/audit?action=checklist.');
    expect(JSON.stringify(audit.json)).toContain('checklist.dismissed');
  });

  it('a picture from words is refused while no computer has ever offered ComfyUI, with what to do', { timeout: 60_000 }, async () => {
    await page.goto(`${t.url}/jobs/new/image.generate`);
    const hint = page.locator('[data-readiness="none"]').first();
    await hint.waitFor();
    expect(await hint.innerText()).toContain('This needs a ComfyUI server: set one up in Admin → Computers');
    await page.getByLabel('Description').fill('a dragon reading a book');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('alert').filter({ hasText: 'needs a ComfyUI server: set one up in Admin → Computers' }).waitFor();
    expect(page.url()).toBe(`${t.url}/jobs/new/image.generate`);

    const api = await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: 'x', width: 512, height: 512, steps: 4 } });
    expect(api.status).toBe(409);
    expect(api.json).toMatchObject({ code: 'capability.none.comfyui', message: 'Generate a picture needs a ComfyUI server: set one up in Admin → Computers' });
    expect((await admin.get('/api/jobs?scope=all')).json.jobs).toEqual([]);
    await screenshot(page, 'first-run-refused');
  });

  it(
    'a GPU computer with ComfyUI ticks two items; when it sleeps and goes off the network a new job waits and names the computer being woken',
    { timeout: 180_000 },
    async () => {
      const device = await admin.post('/api/admin/devices', { kind: 'agent', name: 'Family PC' });
      agentToken = device.json.token as string;
      // "Suspending" ends the agent at once, as a suspend takes the PC off the network: it says "asleep"
      // first, then the broker's last will says "offline". (A frozen process would keep its Redis pop
      // open and take the next job while "asleep".)
      const suspend = join(dir, 'suspend.sh');
      await writeFile(suspend, '#!/bin/sh\nkill -KILL $PPID\n');
      await chmod(suspend, 0o755);
      const backends = join(dir, 'backends.json');
      await writeFile(backends, JSON.stringify({ comfyui: { url: comfy.url, checkpoint: 'sd_xl_base_1.0.safetensors' } }));
      const pc = agent('family-pc', 'Family PC', { NVIDIA_SMI: STANDIN_NVIDIA_SMI, AGENT_BACKENDS: backends, SUSPEND_COMMAND: suspend });

      await page.goto(`${t.url}/`);
      await isDone(page, 'computer');
      await isDone(page, 'backends');
      const types = (await admin.get('/api/job-types')).json.types as Array<{ type: string; readiness: { state: string; computers: Array<{ name: string }> } }>;
      expect(types.find((x) => x.type === 'image.generate')!.readiness).toEqual({ state: 'ready', computers: [{ agentId: 'family-pc', name: 'Family PC' }] });

      const macs = (await admin.get('/api/admin/settings/wake-on-lan')).json.learnedTargets.map((l: { mac: string }) => l.mac) as string[];
      expect(macs.length).toBeGreaterThan(0);
      const client = await mqtt.connectAsync(t.mosquitto.url);
      await client.publishAsync(agentTopics('family-pc').command('suspend'), 'PRESS');
      await client.endAsync();
      await pc.exited;
      await waitFor(async () => ((await admin.get('/api/agents')).json.agents as Array<{ availability: string }>)[0]?.availability === 'offline', {
        timeoutMs: 30_000,
        what: 'Family PC asleep, then off the network',
      });

      await page.goto(`${t.url}/jobs/new/image.generate`);
      await page.locator('[data-readiness="wake"]').waitFor();
      expect(await page.locator('[data-readiness="wake"]').innerText()).toContain('Family PC is asleep or off: Hearth wakes it when you start');
      await page.getByLabel('Description').fill('a dragon reading a book');
      await page.getByRole('button', { name: 'Start' }).click();
      await page.waitForURL(/\/jobs\/[^/]+$/);
      const wait = page.locator('[data-wait="wake"]');
      await wait.waitFor().catch(async (err: Error) => {
        const id = page.url().split('/').pop()!;
        throw new Error(
          `${err.message}\npage: ${await page.locator('main').innerText()}\njob: ${JSON.stringify(await job(id))}\nagents: ${JSON.stringify((await admin.get('/api/agents')).json)}`,
        );
      });
      const text = await wait.innerText();
      expect(text).toMatch(/Waking Family PC… \(since \d{1,2}:\d\d( [AP]M)?\)/);
      expect(text).toContain('If Family PC does not answer, Hearth sends the wake signal again every 30 seconds');
      await waitFor(() => packets.some((p) => macs.some((m) => p.equals(magicPacket(m)))), { timeoutMs: 10_000, what: 'a magic packet to the Family PC' });
      await screenshot(page, 'first-run-waking');
    },
  );

  it('results read in human terms: before/after slider, animated GIF, PDF viewer, moderation sentences', { timeout: 300_000 }, async () => {
    // A second, CPU-only computer runs the built-in jobs (and checks every picture).
    agent('kitchen-pc', 'Kitchen PC');
    await waitFor(
      async () =>
        ((await admin.get('/api/agents')).json.agents as Array<{ agentId: string; availability: string }>).some(
          (a) => a.agentId === 'kitchen-pc' && a.availability === 'online',
        ),
      { timeoutMs: 60_000, what: 'Kitchen PC online' },
    );
    const pics: string[] = [];
    for (let i = 0; i < 3; i++) pics.push(await upload(admin, await scene(i + 1), 'family'));

    const upscale = await submit('image.upscale', { mediaId: pics[0], scale: 2 }, 'Beach, bigger');
    await until(upscale, 'succeeded');
    await page.goto(`${t.url}/jobs/${upscale}`);
    const slider = page.getByLabel('Slide to compare before and after');
    await slider.waitFor();
    await slider.fill('20');
    await expect.poll(() => page.locator('.before-after img.after').evaluate((el) => (el as HTMLElement).style.clipPath)).toBe('inset(0px 0px 0px 20%)');
    await page.locator('[data-moderation="safe"]').filter({ hasText: 'Fine for everyone' }).waitFor({ timeout: 120_000 });
    expect(await page.getByText('Make a photo bigger').count()).toBeGreaterThan(0);
    expect(await page.locator('pre').first().isVisible()).toBe(false);
    // The admin may still look at the raw details, folded away.
    expect(await page.locator('details.details pre').count()).toBe(1);
    await bothSizes(page, 'result-upscale');

    const gif = await submit('gif.create', { mediaIds: pics, frameDelayMs: 300, width: 160, loop: true }, 'Sunset, moving');
    await until(gif, 'succeeded');
    await page.goto(`${t.url}/jobs/${gif}`);
    const anim = page.locator('img[data-animated="yes"]');
    await anim.waitFor();
    await expect.poll(() => anim.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const src = await anim.getAttribute('src');
    const bytes = Buffer.from(await (await page.request.get(`${t.url}${src}`)).body());
    expect((await sharp(bytes, { animated: true }).metadata()).pages).toBe(3);

    const comic = await submit('comic.compose', {
      title: 'Our trip',
      pdf: true,
      panels: pics.slice(0, 2).map((mediaId, i) => ({ mediaId, lines: [{ speaker: 'Mia', text: `Look ${i + 1}!` }] })),
    });
    await until(comic, 'succeeded');
    await page.goto(`${t.url}/jobs/${comic}`);
    await page.getByText('PDF document · 1 page').waitFor();
    await page.locator('.pdf-viewer canvas[data-rendered="1"]').waitFor({ timeout: 30_000 });
    // The PDF cannot be classified itself: it is cleared once the pictures it was made of are.
    await expect
      .poll(async () => page.locator('[data-moderation]').evaluateAll((els) => els.map((e) => e.getAttribute('data-moderation'))), { timeout: 120_000 })
      .toEqual(['safe', 'safe']);
    await bothSizes(page, 'result-comic');
    expect(seen.errors).toEqual([]);
  });

  it('the checklist ticks Home Assistant, the wall display and the first comic, then goes away', { timeout: 60_000 }, async () => {
    await page.goto(`${t.url}/`);
    await isDone(page, 'first-comic');
    await bothSizes(page, 'home-checklist');
    await t.running.app.settings.update((s) => {
      (s as Record<string, unknown>).homeAssistant = { url: 'http://127.0.0.1:9', token: 'a'.repeat(40), kioskEntities: [] };
    });
    await page.reload();
    await isDone(page, 'home-assistant');
    expect((await admin.post('/api/admin/devices', { kind: 'kiosk', name: 'Hall' })).status).toBe(201);
    await page.reload();
    await page.getByRole('heading', { name: 'Hello, Mum' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    await expect.poll(() => page.getByRole('region', { name: 'Getting started' }).count()).toBe(0);
    const view = (await admin.get('/api/admin/getting-started')).json as { items: Array<{ done: boolean }> };
    expect(view.items.every((i) => i.done)).toBe(true);
  });

  it('the gallery uploads several files with progress, opens a lightbox with keys and filters by kind', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: PHONE });
    contexts.push(context);
    const phone = await context.newPage();
    const dad = await apiLogin(t.url, 'dad');
    void dad;
    await phone.goto(`${t.url}/`);
    await phone.getByLabel('Username').fill('dad');
    await phone.getByLabel('Password').fill('family password 123');
    await phone.getByRole('button', { name: 'Log in' }).click();
    await phone.getByRole('heading', { name: 'Hello, Dad' }).waitFor();
    await phone.getByRole('link', { name: 'Gallery' }).click();
    await phone.getByRole('button', { name: 'Mine' }).click();
    await phone.getByText('You have no pictures yet').waitFor();
    const files = await Promise.all([10, 11].map(async (s, i) => ({ name: `photo-${i + 1}.png`, mimeType: 'image/png', buffer: await photo(s, 120, 80) })));
    await phone.getByLabel('Upload pictures').setInputFiles(files);
    await phone.locator('.upload-row[data-done="yes"]').nth(1).waitFor();
    expect(await phone.getByRole('progressbar', { name: 'Uploading photo-2.png' }).getAttribute('aria-valuenow')).toBe('100');
    await expect.poll(() => phone.locator('.media-card').count()).toBe(2);
    const thumb = phone.locator('.media-card img').first();
    // Whole pictures, not square crops.
    expect(await thumb.evaluate((img) => getComputedStyle(img).objectFit)).toBe('contain');
    expect(await thumb.getAttribute('src')).toContain('size=1024');

    await phone.locator('.media-open').first().click();
    const box = phone.getByRole('dialog');
    await box.getByText('1 of 2').waitFor();
    await phone.keyboard.press('ArrowRight');
    await box.getByText('2 of 2').waitFor();
    await phone.keyboard.press('Escape');
    await expect.poll(() => box.count()).toBe(0);
    await phone.getByRole('button', { name: 'Comics' }).click();
    await phone.getByText('No comics here yet.').waitFor();
    await phone.getByRole('button', { name: 'Everything' }).click();
    await phone.getByRole('button', { name: 'Family' }).click();
    await phone.locator('.media-card').first().waitFor();
    await expect.poll(() => phone.locator('.media-card img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete))).toBe(true);
    await bothSizes(phone, 'gallery');

    // Mum's own gallery: photos, the upscale, the GIF and the comic (its PDF too), each titled by its job.
    await page.goto(`${t.url}/gallery`);
    await page.getByRole('button', { name: 'Mine' }).click();
    await page.getByText('Sunset, moving').first().waitFor();
    await expect.poll(() => page.locator('.media-card img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete))).toBe(true);
    await bothSizes(page, 'gallery-mine');
    await page.getByRole('button', { name: 'Animations' }).click();
    await expect.poll(() => page.locator('.media-card').count()).toBe(1);
    await page.getByRole('button', { name: 'Comics' }).click();
    await expect.poll(() => page.locator('.media-card').count()).toBe(2);
  });
});
