/**
 * "Tell a story" end to end with every part real: the appliance (HTTP, SQLite, bee-queue, the
 * portal), Redis and Mosquitto, a gpu-agent process with the built-in SmolLM2 LLM, espeak-ng and
 * ffmpeg, and Chromium. The storyboard waits for approval (and takes the family's edits), a scene
 * is drawn again (the agent killed while it makes the new film), the film lands in the gallery
 * once, inherits its pictures' moderation, and plays in the portal.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AgentVoice, StoryView } from '@hearth/protocol';
import { smolLm2Gguf } from '@hearth/testkit';
import { letJobsWaitForAComputer } from '../../appliance/test/support/harness.js';
import { deviceClient, startJobsAppliance, uploadForm, type JobsAppliance } from '../../appliance/test/jobs-fixtures.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { ensurePortalBuilt } from '../../appliance/test/portal-support/build.js';
import { DESKTOP, PHONE, launchChromium, screenshot, watch } from '../../appliance/test/portal-support/browser.js';
import { PASSWORD } from '../../appliance/test/portal-support/flows.js';
import { portalPlugin } from '../../appliance/src/web/index.js';
import { testPhoto } from '../src/runners/builtin/test-support.js';
import { startAgent, waitFor, type AgentProcess } from './helpers.js';

let lab: JobsAppliance;
let admin: HttpClient;
let mum: HttpClient;
let dad: HttpClient;
let agentDir: string;
let agent: AgentProcess;
let startStoryAgent: () => AgentProcess;
let browser: Browser;
let voice: AgentVoice;

beforeAll(async () => {
  const [modelPath] = await Promise.all([smolLm2Gguf(), ensurePortalBuilt()]);
  lab = await startJobsAppliance({
    comics: true,
    extra: [
      async (app) => {
        await app.register(portalPlugin);
      },
    ],
  });
  await letJobsWaitForAComputer(lab.t);
  admin = await lab.t.admin();
  mum = await lab.t.user(admin, 'member', 'mum');
  dad = await lab.t.user(admin, 'member', 'dad');
  const agentToken = (await deviceClient(lab.t, admin, 'agent')).bearer!;
  agentDir = await mkdtemp(join(tmpdir(), 'hearth-stories-agent-'));
  await writeFile(join(agentDir, 'backends.json'), JSON.stringify({ llm: { kind: 'builtin', modelPath, threads: 1 } }));
  startStoryAgent = () =>
    startAgent({
      AGENT_ID: 'story-pc',
      MQTT_URL: lab.t.mosquitto.url,
      REDIS_URL: lab.t.redis.url,
      APPLIANCE_URL: lab.t.url,
      AGENT_TOKEN: agentToken,
      AGENT_DATA_DIR: agentDir,
      AGENT_BACKENDS: join(agentDir, 'backends.json'),
      NVIDIA_SMI: join(agentDir, 'no-nvidia-smi'),
      LOG_LEVEL: 'info',
    });
  agent = startStoryAgent();
  voice = await waitFor(
    async () => ((await mum.get('/api/stories/voices')).json.voices as AgentVoice[]).find((v) => v.id.startsWith('espeak:') && v.language === 'en') ?? null,
    { timeoutMs: 120_000, intervalMs: 250, what: "the agent's espeak-ng voices announced" },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${agent.output().slice(-4000)}`);
  });
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await agent?.stop('SIGKILL');
  await lab?.close();
  if (agentDir) await rm(agentDir, { recursive: true, force: true });
});

async function photo(client: HttpClient, hue: number): Promise<string> {
  const res = await client.post('/api/media', uploadForm(await testPhoto(480, 270, hue)));
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

const story = async (id: number) => (await mum.get(`/api/stories/${id}`)).json as StoryView;
const untilStory = (id: number, ok: (s: StoryView) => boolean, what: string, timeoutMs = 300_000) =>
  waitFor(
    async () => {
      const s = await story(id);
      return ok(s) ? s : null;
    },
    { timeoutMs, intervalMs: 200, what },
  );
const step = (s: StoryView, key: string) => s.pipeline.steps.find((x) => x.key === key)!;
const videosOf = async (client: HttpClient) =>
  ((await client.get('/api/media?scope=mine&limit=200')).json.media as Array<{ id: string; contentType: string; moderation: string }>).filter(
    (m) => m.contentType === 'video/mp4',
  );

async function signedIn(viewport = DESKTOP, lang: 'en' | 'pl' = 'en'): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch: viewport === PHONE });
  await context.addInitScript((l) => localStorage.setItem('hearth.lang', l), lang);
  const page = await context.newPage();
  // The login form by its ids: its labels are in the chosen language.
  await page.goto(`${lab.t.url}/`);
  await page.locator('#login-username').fill('mum');
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await page.locator('nav a[href="/stories"]').waitFor();
  return page;
}

describe('bad input', () => {
  it('names the field: an empty premise, scenes out of range, an unknown voice, a child asking for AI pictures', async () => {
    const photoId = await photo(mum, 10);
    const body = {
      premise: 'a dragon who is afraid of the dark',
      characters: [],
      scenes: 3,
      voice: voice.id,
      language: 'en',
      pictures: 'photos',
      photoIds: [photoId],
    };
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ premise: '' }, 'premise', 'too-short'],
      [{ premise: '   ' }, 'premise', 'pattern'],
      [{ scenes: 9 }, 'scenes', 'too-large'],
      [{ scenes: 2 }, 'scenes', 'too-small'],
      [{ voice: 'espeak:xx-nowhere' }, 'voice', 'one-of'],
      [{ language: 'pl' }, 'voice', 'invalid'],
      [{ photoIds: [] }, 'photoIds', 'too-few'],
    ];
    for (const [change, field, code] of cases) {
      const res = await mum.post('/api/stories', { ...body, ...change });
      expect(res.status, `${JSON.stringify(change)}: ${res.text}`).toBe(400);
      expect(res.json).toMatchObject({ field, code, message: expect.any(String) });
    }
    // Someone else's private photo is not usable; a child's story is not drawn by AI.
    expect((await dad.post('/api/stories', body)).json).toMatchObject({ field: 'photoIds.0', code: 'invalid' });
    const kid = await lab.t.user(admin, 'child', 'kid');
    expect((await kid.post('/api/stories', { ...body, pictures: 'generate', photoIds: [] })).json).toMatchObject({ field: 'pictures', code: 'one-of' });
    expect((await mum.get('/api/stories')).json.stories as unknown[]).toHaveLength(0);
  }, 60_000);
});

describe('a narrated story', () => {
  it('storyboard → approval (with edits) → pictures and narration → film; a scene redrawn; the film in the gallery once; it plays in Chromium', async () => {
    const photos = [await photo(mum, 0), await photo(mum, 120), await photo(mum, 240)];
    const created = await mum.post('/api/stories', {
      premise: 'a dragon who is afraid of the dark',
      characters: [{ name: 'Iskra', description: 'a small green dragon' }],
      scenes: 3,
      voice: voice.id,
      language: 'en',
      pictures: 'photos',
      photoIds: photos,
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as StoryView).id;
    expect(created.json).toMatchObject({ stage: 'writing', audience: 'family', sceneCount: 3 });

    // The storyboard is written, then nothing more happens until someone approves it.
    const board = await untilStory(id, (s) => s.stage === 'storyboard' || s.stage === 'failed', 'the storyboard written');
    expect(board.stage, JSON.stringify(board.pipeline.steps)).toBe('storyboard');
    expect(board.scenes).toHaveLength(3);
    await lab.app.pipelines.advanceAll();
    const held = await story(id);
    for (const s of held.pipeline.steps.filter((x) => x.key !== 'story')) expect(s).toMatchObject({ jobId: null, status: 'waiting' });
    expect(held.pipeline.steps.filter((x) => x.awaitingApproval).map((x) => x.key)).toEqual([
      'picture-1',
      'voice-1',
      'picture-2',
      'voice-2',
      'picture-3',
      'voice-3',
    ]);

    // Others cannot see, edit or approve it.
    expect((await dad.get(`/api/stories/${id}`)).status).toBe(404);
    expect((await dad.post(`/api/stories/${id}/approve`)).status).toBe(404);

    // The page shows the storyboard for review: screenshots in English, Polish and on a phone.
    for (const [viewport, lang, name] of [
      [DESKTOP, 'en', 'en'],
      [DESKTOP, 'pl', 'pl'],
      [PHONE, 'pl', 'phone'],
    ] as const) {
      const page = await signedIn(viewport, lang);
      const w = watch(page);
      // The form offers the agent's voices for the chosen language.
      await page.goto(`${lab.t.url}/stories`);
      await page.locator(`#story-voice option[value="${lang === 'en' ? voice.id : 'espeak:pl'}"]`).waitFor({ state: 'attached' });
      await screenshot(page, `story-form-${name}`);
      await page.goto(`${lab.t.url}/stories/${id}`);
      await page.locator('#board-narration-0').waitFor();
      await screenshot(page, `story-board-${name}`);
      expect(w.errors).toEqual([]);
      await page.context().close();
    }

    // Edits: a scene's narration and the title; a storyboard of the wrong length is refused.
    const edited = board.scenes.map((s) => ({ narration: s.narration, picturePrompt: s.picturePrompt }));
    edited[0]!.narration = 'Iskra the little dragon hid under her blanket when the lights went out.';
    const short = await mum.put(`/api/stories/${id}/storyboard`, { title: 'Iskra and the dark', scenes: edited.slice(0, 2) });
    expect(short.status).toBe(400);
    expect(short.json).toMatchObject({ field: 'scenes', code: 'too-few' });
    const saved = await mum.put(`/api/stories/${id}/storyboard`, { title: 'Iskra and the dark', scenes: edited });
    expect(saved.status, saved.text).toBe(200);
    const approved = await mum.post(`/api/stories/${id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect((await mum.post(`/api/stories/${id}/approve`)).status).toBe(409);
    expect((await mum.put(`/api/stories/${id}/storyboard`, { title: 'Too late', scenes: edited })).status).toBe(409);

    const done = await untilStory(id, (s) => s.stage === 'done' || s.stage === 'failed', 'the film made');
    expect(done.stage, JSON.stringify(done.pipeline.steps)).toBe('done');
    expect(done.title).toBe('Iskra and the dark');
    expect(done.scenes.every((s) => s.pictureId && s.narrationId)).toBe(true);
    // The narration read what the family wrote.
    const voiceJob = (await mum.get(`/api/jobs/${step(done, 'voice-1').jobId}`)).json as { input: { text: string; voice: string } };
    expect(voiceJob.input).toMatchObject({ text: edited[0]!.narration, voice: voice.id });
    const firstFilm = done.videoId!;
    expect((await videosOf(mum)).map((m) => m.id)).toEqual([firstFilm]);

    // Scene 2 drawn again: only its picture and the film are made again; the old film leaves the gallery.
    const before = Object.fromEntries(done.pipeline.steps.map((s) => [s.key, s.jobId]));
    const redrawn = await mum.post(`/api/stories/${id}/scenes/2/redraw`, {});
    expect(redrawn.status, redrawn.text).toBe(200);
    expect((await mum.get(`/api/media/${firstFilm}`)).status).toBe(404);
    expect((await mum.post(`/api/stories/${id}/scenes/9/redraw`, {})).status).toBe(400);
    // The agent is killed while it makes the new film: another agent process finishes the same job, once.
    await untilStory(id, (s) => step(s, 'video').status === 'running', 'the new film being made');
    await agent.stop('SIGKILL');
    agent = startStoryAgent();
    const again = await untilStory(id, (s) => (s.stage === 'done' && s.videoId !== null) || s.stage === 'failed', 'the film made again');
    expect(again.stage, JSON.stringify(again.pipeline.steps)).toBe('done');
    const after = Object.fromEntries(again.pipeline.steps.map((s) => [s.key, s.jobId]));
    for (const key of Object.keys(before)) {
      if (key === 'picture-2' || key === 'video') expect(after[key], key).not.toBe(before[key]);
      else expect(after[key], key).toBe(before[key]);
    }
    expect(again.scenes[1]!.redraws).toBe(1);
    expect(again.scenes[1]!.pictureId).not.toBe(done.scenes[1]!.pictureId);
    expect(again.videoId).not.toBe(firstFilm);
    const films = await videosOf(mum);
    expect(films.map((m) => m.id)).toEqual([again.videoId]);
    const composes = ((await mum.get('/api/jobs?limit=200')).json.jobs as Array<{ id: string; type: string }>).filter((j) => j.type === 'video.compose');
    expect(composes.map((j) => j.id).sort()).toEqual([before.video, after.video].sort());

    // The film takes its pictures' verdict; shared with the wall, the kiosk sees it once all are fine.
    await waitFor(async () => (await videosOf(mum))[0]?.moderation === 'safe' || null, {
      timeoutMs: 180_000,
      intervalMs: 250,
      what: 'the film moderated from its pictures',
    });
    expect((await mum.put(`/api/stories/${id}/privacy`, { privacy: 'kiosk' })).status).toBe(200);
    const kiosk = await deviceClient(lab.t, admin, 'kiosk');
    expect(((await kiosk.get('/api/media?scope=kiosk&limit=100')).json.media as Array<{ id: string }>).map((m) => m.id)).toContain(again.videoId);

    // The portal plays it.
    const page = await signedIn();
    const w = watch(page);
    await page.goto(`${lab.t.url}/stories/${id}`);
    const video = page.locator('video.story-film');
    await video.waitFor();
    await page.waitForFunction(() => ((document.querySelector('video.story-film') as HTMLVideoElement | null)?.readyState ?? 0) >= 2, undefined, {
      timeout: 60_000,
    });
    expect(await video.evaluate((v: HTMLVideoElement) => v.duration)).toBeGreaterThan(1);
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll<HTMLImageElement>('img.story-picture')).every((i) => i.complete && i.naturalWidth > 0),
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.locator('img.story-picture').count()).toBe(3);
    await screenshot(page, 'story-done-en');
    expect(w.errors).toEqual([]);
    await page.context().close();
  }, 900_000);
});

describe("a child's story", () => {
  it('is written for a child, drawn from their own photos, and the film reaches them once its pictures are moderated', async () => {
    const kid = await lab.t.user(admin, 'child', 'little');
    const mine = await photo(kid, 60);
    const created = await kid.post('/api/stories', {
      premise: 'a snail who wants to fly',
      characters: [],
      scenes: 3,
      voice: voice.id,
      language: 'en',
      pictures: 'photos',
      photoIds: [mine],
    });
    expect(created.status, created.text).toBe(201);
    const s = created.json as StoryView;
    expect(s).toMatchObject({ audience: 'child', privacy: 'family' });
    const kidStory = async () => (await kid.get(`/api/stories/${s.id}`)).json as StoryView;
    const board = await waitFor(
      async () => {
        const v = await kidStory();
        return v.stage !== 'writing' ? v : null;
      },
      { timeoutMs: 300_000, intervalMs: 200, what: "the child's storyboard" },
    );
    expect(board.stage, JSON.stringify(board.pipeline.steps)).toBe('storyboard');
    const written = (await kid.get(`/api/jobs/${step(board, 'story').jobId}`)).json as { input: { audience: string } };
    expect(written.input.audience).toBe('child');
    expect((await mum.get(`/api/stories/${s.id}`)).status).toBe(404);
    expect((await kid.post(`/api/stories/${s.id}/approve`)).status).toBe(200);
    const done = await waitFor(
      async () => {
        const v = await kidStory();
        return v.stage === 'done' || v.stage === 'failed' ? v : null;
      },
      { timeoutMs: 300_000, intervalMs: 200, what: "the child's film" },
    );
    expect(done.stage, JSON.stringify(done.pipeline.steps)).toBe('done');
    await waitFor(
      async () => ((await kid.get('/api/media?scope=family&limit=200')).json.media as Array<{ id: string }>).some((m) => m.id === done.videoId) || null,
      { timeoutMs: 180_000, intervalMs: 250, what: "the film in the child's family gallery" },
    );
  }, 900_000);
});
