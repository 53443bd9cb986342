/**
 * Comics end to end with every part real but the LLM server: the appliance (HTTP, SQLite,
 * bee-queue), a private Redis and Mosquitto, gpu-agent processes started as in production with
 * the built-in runners, and the OpenAI-compatible stand-in replaying a recorded dialogue.
 * "Make the whole comic for me" runs as a pipeline: dialogue and comic-look pictures, then the page.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ComicView, PipelineView } from '@hearth/protocol';
import { letJobsWaitForAComputer } from '../../appliance/test/support/harness.js';
import { deviceClient, startJobsAppliance, uploadForm, type JobsAppliance } from '../../appliance/test/jobs-fixtures.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { testPhoto } from '../src/runners/builtin/test-support.js';
import { startAgent, waitFor, type AgentProcess } from './helpers.js';
import { OpenAiStandin } from './standins/openai/server.js';

const STALL_MS = 5000;

let lab: JobsAppliance;
let admin: HttpClient;
let mum: HttpClient;
let dad: HttpClient;
let kid: HttpClient;
let agentToken: string;
let agentDir: string;
let llm: OpenAiStandin;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  llm = await new OpenAiStandin().start();
  lab = await startJobsAppliance({ comics: true, tuning: { jobs: { stallIntervalMs: STALL_MS } } });
  // Jobs may be submitted before the agent has announced itself: they wait for it instead of being refused.
  await letJobsWaitForAComputer(lab.t);
  admin = await lab.t.admin();
  mum = await lab.t.user(admin, 'member', 'mum');
  dad = await lab.t.user(admin, 'member', 'dad');
  kid = await lab.t.user(admin, 'child', 'kid');
  agentToken = (await deviceClient(lab.t, admin, 'agent')).bearer!;
  agentDir = await mkdtemp(join(tmpdir(), 'hearth-comics-agent-'));
  await writeFile(join(agentDir, 'backends.json'), JSON.stringify({ llm: { kind: 'openai', url: `${llm.url}/v1`, model: 'llama3.2' } }));
}, 60_000);

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop('SIGKILL')));
  llm.script.length = 0;
  llm.chunkDelayMs = 5;
});

afterAll(async () => {
  await lab?.close();
  await llm?.stop();
  if (agentDir) await rm(agentDir, { recursive: true, force: true });
});

function agent(): AgentProcess {
  const a = startAgent({
    AGENT_ID: 'comics-pc',
    MQTT_URL: lab.t.mosquitto.url,
    REDIS_URL: lab.t.redis.url,
    APPLIANCE_URL: lab.t.url,
    AGENT_TOKEN: agentToken,
    AGENT_DATA_DIR: agentDir,
    AGENT_BACKENDS: join(agentDir, 'backends.json'),
    NVIDIA_SMI: join(agentDir, 'no-nvidia-smi'),
    LOG_LEVEL: 'info',
  });
  agents.push(a);
  return a;
}

async function photo(client: HttpClient, hue: number): Promise<string> {
  const res = await client.post('/api/media', uploadForm(await testPhoto(320, 240, hue)));
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

/** A three-panel comic starring the recorded dialogue's Mia and Rex. */
async function comicFor(client: HttpClient, privacy: 'private' | 'family' = 'private'): Promise<ComicView> {
  const created = await client.post('/api/comics', { title: 'The muddy paw', layout: 'three' });
  expect(created.status, created.text).toBe(201);
  const c = created.json as ComicView;
  c.premise = 'Mia finds muddy paw prints and follows them to Rex';
  c.privacy = privacy;
  c.characters = [
    { id: 'mia', name: 'Mia', description: 'a curious girl', refMediaId: null, seed: 7, style: 'bright' },
    { id: 'rex', name: 'Rex', description: 'a clumsy brown dog', refMediaId: null, seed: 8, style: 'bright' },
  ];
  const saved = await client.put(`/api/comics/${c.id}`, c, { 'if-match': created.headers.get('etag')! });
  expect(saved.status, saved.text).toBe(200);
  return saved.json as ComicView;
}

const pipeline = async (client: HttpClient, id: number) => (await client.get(`/api/pipelines/${id}`)).json as PipelineView;
const untilPipeline = (client: HttpClient, id: number, ok: (p: PipelineView) => boolean, what: string, timeoutMs = 120_000) =>
  waitFor(
    async () => {
      const p = await pipeline(client, id);
      return ok(p) ? p : null;
    },
    { timeoutMs, intervalMs: 100, what },
  );

async function jobsOf(client: HttpClient, p: PipelineView) {
  const ids = p.steps.map((s) => s.jobId).filter((id): id is string => id !== null);
  return Promise.all(ids.map(async (id) => (await client.get(`/api/jobs/${id}`)).json as { id: string; type: string; attempts: number; status: string }));
}

async function allJobsSince(client: HttpClient, since: number) {
  const res = await client.get('/api/jobs?limit=200');
  return (res.json.jobs as Array<{ id: string; type: string; createdAt: number }>).filter((j) => j.createdAt >= since && j.type !== 'image.moderate');
}

describe('make the whole comic for me', () => {
  it('survives the agent being killed in the middle: the page is made, no step runs twice, and a family comic reaches the gallery', async () => {
    const photos = [await photo(mum, 0), await photo(mum, 120)];
    const comic = await comicFor(mum, 'family');
    const since = Date.now();
    llm.chunkDelayMs = 150; // the dialogue streams for ~10 s: long enough to be killed in the middle of it
    const started = await mum.post(`/api/comics/${comic.id}/make`, { pictures: 'photos', photoIds: photos });
    expect(started.status, started.text).toBe(202);
    const made = started.json as PipelineView;
    expect(made.steps.map((s) => s.key)).toEqual(['dialogue', ...comic.pages[0]!.panels.map((p) => `picture-${p.id}`), 'render']);

    const first = agent();
    await untilPipeline(mum, made.id, (p) => p.steps.find((s) => s.key === 'dialogue')!.status === 'running', 'the dialogue running', 90_000);
    await first.stop('SIGKILL');
    expect((await pipeline(mum, made.id)).steps.find((s) => s.key === 'render')!.jobId).toBeNull();
    llm.chunkDelayMs = 5;
    agent();
    const done = await untilPipeline(mum, made.id, (p) => p.status !== 'running', 'the pipeline finished', 180_000);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(done.fraction).toBe(1);

    // One job per step, each distinct, and no other job: the killed dialogue ran again as the same job.
    const jobs = await jobsOf(mum, done);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(done.steps.length);
    expect((await allJobsSince(mum, since)).map((j) => j.id).sort()).toEqual(jobs.map((j) => j.id).sort());

    // Every result went into the comic exactly once: the dialogue's bubbles, a picture per panel, then the render of that version.
    const after = (await mum.get(`/api/comics/${comic.id}`)).json as ComicView;
    expect(after.version).toBe(comic.version + 1 + comic.pages[0]!.panels.length);
    const panels = after.pages[0]!.panels;
    expect(panels.every((p) => p.mediaId !== null)).toBe(true);
    // The recorded dialogue's second panel: Rex, then Mia — once each, though the dialogue job ran twice.
    expect(panels[1]!.bubbles.map((b) => [b.kind, b.speaker, b.text, b.byHand])).toEqual([
      ['speech', 'rex', 'Woof! Not me. Definitely not me.', false],
      ['speech', 'mia', 'Rex, you are covered in mud!', false],
    ]);
    expect(after.render).toMatchObject({ status: 'succeeded', version: after.version, pageMediaIds: [expect.any(String)] });

    const png = await fetch(new URL(`/api/comics/${comic.id}/export?format=png`, lab.t.url), { headers: { cookie: mum.cookie! } });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const pdf = await mum.get(`/api/comics/${comic.id}/export?format=pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.text.match(/\/Type \/Page\b/g)).toHaveLength(1);
    const cbz = await mum.get(`/api/comics/${comic.id}/export?format=cbz`);
    expect(cbz.headers.get('content-type')).toBe('application/vnd.comicbook+zip');
    expect(cbz.headers.get('content-disposition')).toMatch(/The-muddy-paw\.cbz/);

    // A family comic's page is in the family gallery for the rest of the family.
    const page = after.render!.pageMediaIds[0]!;
    await waitFor(async () => ((await dad.get('/api/media?scope=family&limit=100')).json.media as Array<{ id: string }>).some((m) => m.id === page) || null, {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the page in the family gallery',
    });
  }, 300_000);

  it('continues where it was after the appliance restarts in the middle, doing nothing twice', async () => {
    agent();
    const comic = await comicFor(mum);
    const since = Date.now();
    llm.chunkDelayMs = 120;
    const made = (await mum.post(`/api/comics/${comic.id}/make`, { pictures: 'photos', photoIds: [await photo(mum, 260)] })).json as PipelineView;
    await untilPipeline(mum, made.id, (p) => p.steps.find((s) => s.key === 'dialogue')!.status === 'running', 'the dialogue running');
    await lab.t.restart();
    // The restarted appliance forgot its sessions' memory but not SQLite: the same cookie still works.
    const done = await untilPipeline(mum, made.id, (p) => p.status !== 'running', 'the pipeline finished after the restart', 180_000);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    const jobs = await jobsOf(mum, done);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(done.steps.length);
    expect((await allJobsSince(mum, since)).map((j) => j.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    const after = (await mum.get(`/api/comics/${comic.id}`)).json as ComicView;
    expect(after.version).toBe(comic.version + 1 + comic.pages[0]!.panels.length);
  }, 240_000);

  it('continues after Redis restarts in the middle (AOF on), doing nothing twice', async () => {
    agent();
    const comic = await comicFor(mum);
    const since = Date.now();
    llm.chunkDelayMs = 120;
    const made = (await mum.post(`/api/comics/${comic.id}/make`, { pictures: 'photos', photoIds: [await photo(mum, 330)] })).json as PipelineView;
    await untilPipeline(mum, made.id, (p) => p.steps.find((s) => s.key === 'dialogue')!.status === 'running', 'the dialogue running');
    await lab.t.redis.restart({ downMs: 500 });
    const done = await untilPipeline(mum, made.id, (p) => p.status !== 'running', 'the pipeline finished after Redis came back', 180_000);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    const jobs = await jobsOf(mum, done);
    expect((await allJobsSince(mum, since)).map((j) => j.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(((await mum.get(`/api/comics/${comic.id}`)).json as ComicView).version).toBe(comic.version + 1 + comic.pages[0]!.panels.length);
  }, 240_000);

  it('retries a failed step alone, keeping what the other steps made', async () => {
    agent();
    const photos = [await photo(mum, 200)];
    const comic = await comicFor(mum);
    llm.script.push('disconnect', 'disconnect'); // both attempts of the dialogue job
    const made = (await mum.post(`/api/comics/${comic.id}/make`, { pictures: 'photos', photoIds: photos })).json as PipelineView;
    const failed = await untilPipeline(
      mum,
      made.id,
      (p) => p.status === 'failed' && p.steps.filter((s) => s.key.startsWith('picture-')).every((s) => s.status === 'succeeded'),
      'the dialogue failed, the pictures made',
    );
    expect(failed.steps.find((s) => s.key === 'dialogue')).toMatchObject({ status: 'failed', error: expect.any(String) });
    expect(failed.steps.find((s) => s.key === 'render')).toMatchObject({ status: 'waiting', jobId: null });
    const pictureJobs = failed.steps.filter((s) => s.key.startsWith('picture-')).map((s) => s.jobId);

    expect((await mum.post(`/api/pipelines/${made.id}/steps/render/retry`)).status).toBe(409);
    const retried = await mum.post(`/api/pipelines/${made.id}/steps/dialogue/retry`);
    expect(retried.status, retried.text).toBe(200);
    const done = await untilPipeline(mum, made.id, (p) => p.status !== 'running', 'the pipeline finished after the retry');
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(done.steps.filter((s) => s.key.startsWith('picture-')).map((s) => s.jobId)).toEqual(pictureJobs);
    for (const j of await jobsOf(mum, done)) expect(j.attempts, j.type).toBe(j.type === 'text.dialogue' ? 3 : 1);
  }, 240_000);

  it('cancelling the pipeline cancels its running step and starts nothing more', async () => {
    const pc = agent();
    const comic = await comicFor(mum);
    llm.chunkDelayMs = 300;
    const made = (await mum.post(`/api/comics/${comic.id}/make`, { pictures: 'photos', photoIds: [await photo(mum, 300)] })).json as PipelineView;
    await untilPipeline(mum, made.id, (p) => p.steps.find((s) => s.key === 'dialogue')!.status === 'running', 'the dialogue running');
    expect((await dad.post(`/api/pipelines/${made.id}/cancel`)).status).toBe(404);
    const cancelled = await mum.post(`/api/pipelines/${made.id}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    const dialogue = cancelled.json.steps.find((s: { key: string }) => s.key === 'dialogue') as { status: string; jobId: string };
    expect(dialogue.status).toBe('cancelled');
    // The agent stopping the dialogue is the last thing that could move the pipeline on.
    await waitFor(() => pc.output().includes(`job ${dialogue.jobId} failed`), { timeoutMs: 30_000, what: 'the agent to stop the cancelled dialogue' });
    expect((await pipeline(mum, made.id)).steps.find((s) => s.key === 'render')!.jobId).toBeNull();
  }, 120_000);
});

describe('sharing', () => {
  it("a comic shared to the kiosk reaches the wall display's slideshow once its page is moderated", async () => {
    agent();
    const comic = await comicFor(mum, 'private');
    const shared = { ...comic, privacy: 'kiosk' as const };
    shared.pages[0]!.panels[0]!.mediaId = await photo(mum, 90);
    const saved = await mum.put(`/api/comics/${comic.id}`, shared, { 'if-match': `"comic-${comic.id}-v${comic.version}"` });
    expect(saved.status, saved.text).toBe(200);
    const job = (await mum.post(`/api/comics/${comic.id}/render`)).json as { id: string };
    await waitFor(async () => (await mum.get(`/api/jobs/${job.id}`)).json.status === 'succeeded' || null, {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: 'the render',
    });
    const page = ((await mum.get(`/api/comics/${comic.id}`)).json as ComicView).render!.pageMediaIds[0]!;
    const kiosk = await deviceClient(lab.t, admin, 'kiosk');
    await waitFor(async () => ((await kiosk.get('/api/media?scope=kiosk&limit=100')).json.media as Array<{ id: string }>).some((m) => m.id === page) || null, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the page in the kiosk slideshow',
    });
    // Made private again, it leaves the wall.
    const back = await mum.put(`/api/comics/${comic.id}`, { ...shared, privacy: 'private' }, { 'if-match': saved.headers.get('etag')! });
    expect(back.status, back.text).toBe(200);
    expect(((await kiosk.get('/api/media?scope=kiosk&limit=100')).json.media as Array<{ id: string }>).some((m) => m.id === page)).toBe(false);
  }, 180_000);
});

describe('children', () => {
  it('make comics from their own photos with the built-in steps; AI drawing and writing follow their rules', async () => {
    agent();
    const mine = await photo(kid, 40);
    await waitFor(
      async () =>
        ((await kid.get('/api/media?scope=mine&limit=50')).json.media as Array<{ id: string; moderation: string }>).find(
          (m) => m.id === mine && m.moderation === 'safe',
        ) ?? null,
      { timeoutMs: 90_000, intervalMs: 250, what: "the child's photo moderated" },
    );
    const created = (await kid.post('/api/comics', { title: 'My cat', layout: 'one' })).json as ComicView;
    created.pages[0]!.panels[0]!.mediaId = mine;
    created.pages[0]!.panels[0]!.bubbles = [
      { id: 'b1', kind: 'speech', speaker: '', text: 'Meow!', x: 0.1, y: 0.1, w: 0.4, h: 0.25, tail: { x: 0.5, y: 0.7 }, byHand: true },
    ];
    const saved = await kid.put(`/api/comics/${created.id}`, created, { 'if-match': `"comic-${created.id}-v1"` });
    expect(saved.status, saved.text).toBe(200);
    const render = await kid.post(`/api/comics/${created.id}/render`);
    expect(render.status, render.text).toBe(202);
    await waitFor(async () => (await kid.get(`/api/jobs/${render.json.id}`)).json.status === 'succeeded' || null, {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: "the child's render",
    });
    expect((await kid.get(`/api/comics/${created.id}/export?format=pdf`)).status).toBe(200);

    const drawn = await kid.post('/api/comics', { title: 'Dragons', layout: 'two' });
    const made = (await kid.post(`/api/comics/${drawn.json.id}/make`, { pictures: 'generate' })).json as PipelineView;
    const failed = await untilPipeline(kid, made.id, (p) => p.status === 'failed', "the child's AI pipeline stopped");
    expect(failed.steps.filter((s) => s.status === 'failed').map((s) => s.error)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Children can run only the built-in picture jobs/)]),
    );
    expect(failed.steps.every((s) => s.jobId === null || s.jobType !== 'image.generate')).toBe(true);
  }, 240_000);
});
