/**
 * Admin → Computers in a real Chromium against a real appliance (private Redis and Mosquitto) and a
 * real gpu-agent process: the admin sees the computer, its GPU, what it offers and its Wake-on-LAN
 * MAC, and the state changes live when it goes off the network; a member gets no such page and
 * no admin-only fields from the API. ComfyUI is the recorded stand-in, the GPU the stand-in nvidia-smi.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgent, type AgentProcess } from '../../gpu-agent/test/helpers.js';
import { STANDIN_NVIDIA_SMI } from '../../gpu-agent/test/fixtures.js';
import { ComfyStandin } from '../../gpu-agent/test/standins/comfyui/server.js';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, PHONE, launchChromium, screenshot } from './portal-support/browser.js';
import { smolLm2Gguf } from '@hearth/testkit';
import { apiLogin, invited, loginInBrowser, onboardInBrowser } from './portal-support/flows.js';

describe('Admin → Computers', () => {
  let t: TestAppliance;
  let browser: Browser;
  let comfy: ComfyStandin;
  let dir: string;
  let admin: HttpClient;
  let pc: AgentProcess | undefined;
  const contexts: BrowserContext[] = [];

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: DESKTOP });
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    await ensurePortalBuilt();
    dir = await mkdtemp(join(tmpdir(), 'hearth-computers-'));
    [t, browser, comfy] = await Promise.all([startTestAppliance({ product: true }), launchChromium(), new ComfyStandin().start()]);
  }, 120_000);
  afterAll(async () => {
    await pc?.stop('SIGKILL');
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await comfy?.stop();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('an admin sees each computer with its GPU, capabilities now and ever, MAC, and its state live', { timeout: 180_000 }, async () => {
    const page = await newPage();
    await onboardInBrowser(page, t.url, 'Mum');
    admin = await apiLogin(t.url, 'admin');
    await page.goto(`${t.url}/admin/computers`);
    await page.getByRole('heading', { name: 'Computers', level: 1 }).waitFor();
    await page.getByText('No computer has been in touch yet').waitFor();
    expect(await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Computers' }).getAttribute('href')).toBe('/admin/computers');
    const help = page.getByRole('complementary', { name: 'Connecting ComfyUI or a language model' });
    expect(await help.innerText()).toContain('AGENT_BACKENDS');
    expect(await help.innerText()).toContain('AGENT_LLM_GGUF');
    expect(await help.innerText()).toContain('docs/agent.md and docs/runners.md');
    expect(await help.innerText()).not.toContain('not built yet');

    const token = (await admin.post('/api/admin/devices', { kind: 'agent', name: 'Family PC' })).json.token as string;
    const backends = join(dir, 'backends.json');
    await writeFile(backends, JSON.stringify({ comfyui: { url: comfy.url, checkpoint: 'sd_xl_base_1.0.safetensors' } }));
    pc = startAgent({
      AGENT_ID: 'family-pc',
      AGENT_NAME: 'Family PC',
      MQTT_URL: t.mosquitto.url,
      REDIS_URL: t.redis.url,
      APPLIANCE_URL: t.url,
      AGENT_TOKEN: token,
      AGENT_DATA_DIR: join(dir, 'family-pc'),
      NVIDIA_SMI: STANDIN_NVIDIA_SMI,
      AGENT_BACKENDS: backends,
      LOG_LEVEL: 'info',
    });

    // No reload: the card appears and fills in from live events.
    const card = page.locator('[data-computer="family-pc"]');
    await card.and(page.locator('[data-state="online"]')).waitFor({ timeout: 60_000 });
    await expect
      .poll(() => card.locator('[data-caps="now"]').innerText(), { timeout: 60_000 })
      .toBe('built-in jobs, ComfyUI (pictures), speech, video (ffmpeg)');
    expect(await card.getByRole('heading', { level: 2 }).innerText()).toContain('Family PC');
    expect(await card.locator('[data-caps="ever"]').innerText()).toBe('built-in jobs, ComfyUI (pictures), speech, video (ffmpeg)');
    await expect.poll(() => card.locator('[data-gpu]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await card.locator('[data-gpu="0"]').innerText()).toMatch(/% busy · \d+\/\d+ MiB · \d+ °C/);
    const api = (await admin.get('/api/agents')).json as { known: Array<{ agentId: string; macs: string[] }> };
    const macs = api.known.find((k) => k.agentId === 'family-pc')!.macs;
    expect(macs.length).toBeGreaterThan(0);
    expect(await card.locator('[data-macs]').innerText()).toBe(macs.join(', '));
    await screenshot(page, 'admin-computers');

    // The servers it uses, edited here and applied on the computer without a restart.
    const servers = card.locator('[data-backends="family-pc"]');
    const comfyPart = servers.locator('[data-backend="comfyui"]');
    expect(await comfyPart.getByLabel('Address').inputValue()).toBe(comfy.url);
    await comfyPart.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => comfyPart.locator('[data-test-result="comfyui"]').innerText(), { timeout: 30_000 })
      .toMatch(/^ComfyUI 0\.3\.64 answered: \d+ node types, 2 checkpoints\.$/);
    // After the test the checkpoint is chosen from what the server lists.
    expect(await comfyPart.getByLabel('Default checkpoint').evaluate((el) => el.tagName)).toBe('SELECT');
    await comfyPart.getByLabel('Default checkpoint').selectOption('v1-5-pruned-emaonly.safetensors');

    const llmPart = servers.locator('[data-backend="llm"]');
    await llmPart.getByLabel('Kind').selectOption('builtin');
    await llmPart.getByLabel('Model file').fill('smollm.gguf');
    await servers.getByRole('button', { name: 'Save and apply' }).click();
    await llmPart.getByText('This is not in the expected format').waitFor();
    expect(await llmPart.getByLabel('Model file').getAttribute('aria-invalid')).toBe('true');
    await llmPart.getByLabel('Model file').fill(await smolLm2Gguf());
    await llmPart.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => llmPart.locator('[data-test-result="llm"]').innerText(), { timeout: 30_000 })
      .toMatch(/^The model file is there and is a GGUF file \(\d+ MiB\)\. It loads on the first job\.$/);
    await servers.getByRole('button', { name: 'Save and apply' }).click();
    await servers.getByText('Saved. The computer uses these servers now.').waitFor({ timeout: 30_000 });
    await expect.poll(() => card.locator('[data-caps="now"]').innerText(), { timeout: 60_000 }).toContain('language model');
    await screenshot(page, 'admin-computers-servers');

    // The generate form offers the checkpoints that ComfyUI lists.
    const form = await page.context().newPage();
    await form.goto(`${t.url}/jobs/new/image.generate`);
    const checkpoint = form.getByLabel('Checkpoint (optional)');
    await expect
      .poll(() => checkpoint.locator('option').allInnerTexts(), { timeout: 30_000 })
      .toEqual(["The computer's default", 'sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly.safetensors']);
    await checkpoint.selectOption('v1-5-pruned-emaonly.safetensors');
    await screenshot(form, 'create-generate-checkpoint');
    await form.close();

    // A workflow that needs a node this ComfyUI lacks is refused with the node named.
    const workflow = JSON.parse(await readFile(new URL('../../gpu-agent/workflows/text-to-image.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    workflow['99'] = { class_type: 'FancyUpscaler', inputs: {} };
    const importer = card.locator('[data-workflow-import="family-pc"]');
    await importer
      .getByLabel('Workflow file (JSON)')
      .setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(workflow)) });
    await expect.poll(() => importer.locator('[data-workflow-problems]').innerText(), { timeout: 60_000 }).toContain('node 99 (FancyUpscaler)');
    await screenshot(page, 'admin-computers-workflow-refused');

    // Phone width: the form stays usable, nothing wider than the screen.
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'admin-computers-phone');
    await page.setViewportSize(DESKTOP);

    // Off the network: the broker's last will says offline; what it offered once is remembered.
    await pc.stop('SIGKILL');
    pc = undefined;
    await card.and(page.locator('[data-state="offline"]')).waitFor({ timeout: 60_000 });
    expect(await card.locator('[data-caps="ever"]').innerText()).toBe('built-in jobs, ComfyUI (pictures), language model, speech, video (ffmpeg)');

    // Polish catalogue on the same page.
    await page.selectOption('#lang', 'pl');
    await page.getByRole('heading', { name: 'Komputery', level: 1 }).waitFor();
    expect(await card.locator('[data-caps="ever"]').innerText()).toBe('zadania wbudowane, ComfyUI (obrazy), model językowy, mowa, wideo (ffmpeg)');
    await card.getByText('Ten komputer nie jest włączony').waitFor();
    expect(await card.locator('[data-backends="family-pc"]').getByRole('button', { name: 'Zapisz i zastosuj' }).count()).toBe(1);
    await screenshot(page, 'admin-computers-pl');
  });

  it('a member gets no Computers page, no admin nav and no admin-only fields', { timeout: 120_000 }, async () => {
    const member = await invited(admin, 'member', 'dad', 'Dad');
    const res = await member.get('/api/agents');
    expect(res.status).toBe(200);
    expect(res.json.agents.map((a: { agentId: string }) => a.agentId)).toEqual(['family-pc']);
    expect(res.json).not.toHaveProperty('known');
    expect(JSON.stringify(res.json)).not.toContain('macs');

    const page = await newPage();
    await loginInBrowser(page, t.url, 'dad');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await page.goto(`${t.url}/admin/computers`);
    await page.getByRole('heading', { name: 'Admins only', level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: 'Computers' }).count()).toBe(0);
    expect(await page.locator('[data-computer]').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Computers' }).count()).toBe(0);
  });
});
