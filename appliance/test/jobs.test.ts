import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { waitFor } from '@hearth/testkit';
import { CANCEL_CHANNEL, MODERATION_HEADER, agentArtifactPath, agentStartPath } from '@hearth/protocol';
import type { HttpClient } from './support/http-client.js';
import { announceAgent, deviceClient, png, reportProgress, startInlineWorker, startJobsAppliance, uploadForm, type JobsAppliance } from './jobs-fixtures.js';

let h: JobsAppliance;
let admin: HttpClient;
let member: HttpClient;
let child: HttpClient;
let agent: HttpClient;
let redis: Redis;
let agentPresence: Awaited<ReturnType<typeof announceAgent>>;
let photoId: string;

beforeAll(async () => {
  h = await startJobsAppliance();
  admin = await h.t.admin();
  member = await h.t.user(admin, 'member');
  child = await h.t.user(admin, 'child');
  agent = await deviceClient(h.t, admin, 'agent');
  redis = new Redis(h.t.redis.url);
  agentPresence = await announceAgent(h.t.mosquitto.url, { agentId: 'pc', capabilities: ['builtin', 'comfyui', 'llm'] });
  await waitFor(async () => (await admin.get('/api/agents')).json.agents.length === 1, { timeoutMs: 5000 });
  const up = await member.post('/api/media', uploadForm(await png()));
  expect(up.status).toBe(201);
  photoId = up.json.id;
});
afterAll(async () => {
  await agentPresence?.close();
  redis?.disconnect();
  await h?.close();
});

const inRedis = (id: string, cap = 'builtin') => redis.hexists(`hearth:jobs:${cap}:jobs`, id);

describe('POST /api/jobs validation', () => {
  it('names the field that is wrong', async () => {
    const scale = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId, scale: 3 } });
    expect(scale.status).toBe(400);
    expect(scale.json.message).toBe('input.scale must be 2 or 4');

    const unknownField = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId, colour: 'red' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json.message).toBe('input has an unknown field "colour"');

    const missing = await member.post('/api/jobs', { type: 'image.upscale', input: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/^input\.mediaId/);

    const nested = await member.post('/api/jobs', { type: 'gif.create', input: { mediaIds: [photoId, 'nope'] } });
    expect(nested.status).toBe(400);
    expect(nested.json.message).toMatch(/^input\.mediaIds\.1 /);
  });

  it('refuses unknown types, unknown body fields and malformed bodies', async () => {
    const type = await member.post('/api/jobs', { type: 'image.teleport', input: {} });
    expect(type.status).toBe(400);
    expect(type.json.message).toMatch(/body\.type "image\.teleport" is not a job type/);

    const extra = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId }, priority: 1 });
    expect(extra.status).toBe(400);
    expect(extra.json.message).toMatch(/unknown field "priority"/);

    const broken = await member.post('/api/jobs', '{"type": "image.upscale", ', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);

    const notObject = await member.post('/api/jobs', { type: 'image.upscale', input: 'scale 4' });
    expect(notObject.status).toBe(400);
    expect(notObject.json.message).toMatch(/body\.input/);
  });

  it('refuses media that does not exist or that the caller cannot see', async () => {
    const ghost = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: 'f'.repeat(64) } });
    expect(ghost.status).toBe(400);
    expect(ghost.json.message).toMatch(/does not exist or that you cannot see/);
    // The member's upload is private (and pending): another member cannot use it.
    const other = await h.t.user(admin, 'member');
    const hidden = await other.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } });
    expect(hidden.status).toBe(400);
  });
});

describe('roles and quota', () => {
  it('keeps children to built-in jobs and stories, and moderation to admins; devices cannot submit', async () => {
    const gen = await child.post('/api/jobs', { type: 'image.generate', input: { prompt: 'a dragon' } });
    expect(gen.status).toBe(403);
    expect(gen.json.message).toMatch(/Children can run only/);
    const mod = await member.post('/api/jobs', { type: 'image.moderate', input: { mediaId: photoId } });
    expect(mod.status).toBe(403);
    const kiosk = await deviceClient(h.t, admin, 'kiosk');
    expect((await kiosk.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } })).status).toBe(403);
    expect((await agent.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } })).status).toBe(403);
    const types = await child.get('/api/job-types');
    expect(types.json.types.map((t: { type: string }) => t.type).sort()).toEqual([
      'audio.speak',
      'comic.compose',
      'comic.render',
      'gif.create',
      'image.comic-look',
      'image.upscale',
      'text.story',
      'video.compose',
    ]);
  });

  it('answers 429 with a message once the daily quota is used, and shows it in /api/quota', async () => {
    await h.app.settings.update((s) => {
      (s as Record<string, unknown>).jobs = { quotas: { admin: null, member: 50, child: 2 } };
    });
    const kid = await h.t.user(admin, 'child');
    const before = await kid.get('/api/quota');
    expect(before.json).toMatchObject({ limit: 2, used: 0, remaining: 2 });
    expect(before.json.resetsAt).toBeGreaterThan(Date.now());
    const input = { mediaIds: [photoId, photoId] };
    // The child cannot see the member's private photo; use prompts-free jobs on the child's own… none visible yet,
    // so use an admin-made family photo that moderation found safe.
    const pic = await admin.post('/api/media', uploadForm(await png(20, 20, '#123'), 'image/png', 'family'));
    h.app.media.setModeration(pic.json.id, 'safe');
    input.mediaIds = [pic.json.id, pic.json.id];
    for (let i = 0; i < 2; i++) expect((await kid.post('/api/jobs', { type: 'gif.create', input })).status).toBe(201);
    const over = await kid.post('/api/jobs', { type: 'gif.create', input });
    expect(over.status).toBe(429);
    expect(over.json.message).toMatch(/used all 2 jobs for today/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await kid.get('/api/quota')).json).toMatchObject({ limit: 2, used: 2, remaining: 0 });
    expect((await admin.get('/api/quota')).json.limit).toBeNull();
  });
});

describe('job lifecycle', () => {
  it('queues a job in SQLite and bee-queue under the same id, and cancels it while queued', async () => {
    const res = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId, scale: 4 }, title: 'Bigger cat' });
    expect(res.status).toBe(201);
    const job = res.json;
    expect(job).toMatchObject({
      type: 'image.upscale',
      title: 'Bigger cat',
      status: 'queued',
      attempts: 1,
      input: { mediaId: photoId, scale: 4 },
      result: null,
    });
    expect(await inRedis(job.id)).toBe(1);

    const sub = new Redis(h.t.redis.url);
    const cancels: string[] = [];
    await sub.subscribe(CANCEL_CHANNEL);
    sub.on('message', (_c, id) => cancels.push(id));
    const cancelled = await member.post(`/api/jobs/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    expect(await inRedis(job.id)).toBe(0);
    await waitFor(() => cancels.includes(job.id), { timeoutMs: 3000 });
    sub.disconnect();

    expect((await member.post(`/api/jobs/${job.id}/cancel`)).status).toBe(409);
    const audit = await admin.get('/api/admin/audit?action=jobs.');
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['jobs.created', 'jobs.cancelled']));
  });

  it("hides other people's jobs; admins list everything", async () => {
    const mine = await member.post('/api/jobs', {
      type: 'text.dialogue',
      input: { characters: [{ name: 'Ala', description: 'cat' }], panels: [{ description: 'hi', characters: ['Ala'] }] },
    });
    expect(mine.status).toBe(201);
    const other = await h.t.user(admin, 'member');
    expect((await other.get(`/api/jobs/${mine.json.id}`)).status).toBe(404);
    expect((await other.post(`/api/jobs/${mine.json.id}/cancel`)).status).toBe(404);
    expect((await other.get('/api/jobs?scope=all')).status).toBe(403);
    const all = await admin.get('/api/jobs?scope=all&limit=200');
    expect(all.json.jobs.some((j: { id: string }) => j.id === mine.json.id)).toBe(true);
    const page = await member.get('/api/jobs?limit=1');
    expect(page.json.jobs).toHaveLength(1);
    expect(page.json.nextBefore).toBe(page.json.jobs[0].id);
    const next = await member.get(`/api/jobs?limit=1&before=${page.json.nextBefore}`);
    expect(next.json.jobs[0].id < page.json.jobs[0].id).toBe(true);
  });

  it('runs a job through an inline worker: progress, artifact upload, result linked to media exactly once', async () => {
    const output = await png(64, 64, '#f80');
    let runs = 0;
    const worker = await startInlineWorker(h.t.redis.url, 'builtin', async (job) => {
      if (job.data.type !== 'image.upscale') return { artifacts: [] };
      runs++;
      await reportProgress(job, { fraction: 0.5, stage: 'tile 1/2' });
      const start = await agent.post(agentStartPath(job.id), { attempt: 1 });
      if (start.status !== 200) throw new Error(`start ${start.status} ${start.text}`);
      const put = await agent.put(agentArtifactPath(job.id, 'upscaled.png', 1), output, { 'content-type': 'image/png', [MODERATION_HEADER]: 'safe' });
      if (put.status !== 201) throw new Error(`upload ${put.status} ${put.text}`);
      // The same attempt again (an agent retrying a timed-out upload) replaces, not duplicates.
      const again = await agent.put(agentArtifactPath(job.id, 'upscaled.png', 1), output, { 'content-type': 'image/png', [MODERATION_HEADER]: 'safe' });
      if (again.status !== 201) throw new Error(`re-upload ${again.status}`);
      return { artifacts: ['upscaled.png'], data: { scale: 2 } };
    });
    try {
      const res = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } });
      const id = res.json.id as string;
      await waitFor(async () => (await member.get(`/api/jobs/${id}`)).json.status === 'succeeded', { timeoutMs: 10_000 });
      const done = (await member.get(`/api/jobs/${id}`)).json;
      expect(runs).toBe(1);
      expect(done.startedAt).toBeGreaterThan(0);
      expect(done.finishedAt).toBeGreaterThanOrEqual(done.startedAt);
      expect(done.progress).toMatchObject({ fraction: 0.5, stage: 'tile 1/2' });
      expect(done.result.mediaIds).toHaveLength(1);
      expect(done.result.data).toEqual({ scale: 2 });
      const mediaId = done.result.mediaIds[0];
      const item = (await member.get('/api/media?scope=mine&limit=200')).json.media.find((m: { id: string }) => m.id === mediaId);
      expect(item).toMatchObject({ jobId: id, moderation: 'safe', width: 64, height: 64, contentType: 'image/png', privacy: 'private' });
      expect(await inRedis(id)).toBe(0);

      // The same result delivered again (reconciliation, a duplicate event) links nothing more.
      await h.app.jobs.onSucceeded(id, { artifacts: ['upscaled.png'] });
      expect(h.app.db.prepare('SELECT COUNT(*) AS n FROM media WHERE job_id = ?').get(id)).toEqual({ n: 1 });
      // Finished jobs take no more artifacts.
      const late = await agent.put(agentArtifactPath(id, 'late.png', 1), output, { 'content-type': 'image/png' });
      expect(late.status).toBe(409);
      expect(late.json.message).toMatch(/succeeded; artifacts are no longer accepted/);
    } finally {
      await worker.close();
    }
  });

  it('refuses artifacts of an older attempt, of a cancelled job, and bytes that are not what they claim', async () => {
    const res = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } });
    const id = res.json.id as string;
    h.app.jobs.onRetrying(id, 'out of memory');
    expect((await member.get(`/api/jobs/${id}`)).json).toMatchObject({ attempts: 2, status: 'queued', error: 'out of memory' });
    const bytes = await png();
    const stale = await agent.put(agentArtifactPath(id, 'out.png', 1), bytes, { 'content-type': 'image/png' });
    expect(stale.status).toBe(409);
    expect(stale.json.message).toBe("Attempt 1 is older than the job's current attempt 2");
    expect((await agent.post(agentStartPath(id), { attempt: 1 })).status).toBe(409);
    expect((await agent.post(agentStartPath(id), { attempt: 2 })).status).toBe(200);
    const liar = await agent.put(agentArtifactPath(id, 'out.png', 2), Buffer.from('#!/bin/sh\necho hi\n'), { 'content-type': 'image/png' });
    expect(liar.status).toBe(415);
    const mislabelled = await agent.put(agentArtifactPath(id, 'out.png', 2), bytes, { 'content-type': 'image/jpeg' });
    expect(mislabelled.status).toBe(415);
    expect(mislabelled.json.message).toMatch(/declared image\/jpeg but its bytes are image\/png/);
    expect((await member.put(agentArtifactPath(id, 'out.png', 2), bytes, { 'content-type': 'image/png' })).status).toBe(403);
    expect((await agent.put(agentArtifactPath(id, 'out.png', 2), bytes, { 'content-type': 'image/png' })).status).toBe(201);
    await member.post(`/api/jobs/${id}/cancel`);
    const afterCancel = await agent.put(agentArtifactPath(id, 'out.png', 2), bytes, { 'content-type': 'image/png' });
    expect(afterCancel.status).toBe(409);
    expect(afterCancel.json.message).toMatch(/cancelled/);
    // A result arriving after the cancel is ignored.
    await h.app.jobs.onSucceeded(id, { artifacts: ['out.png'] });
    expect((await member.get(`/api/jobs/${id}`)).json.status).toBe('cancelled');
  });

  it('lets only the agent running an attempt upload into it', async () => {
    const other = await deviceClient(h.t, admin, 'agent');
    const res = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } });
    const id = res.json.id as string;
    const bytes = await png();
    // Nobody uploads into an attempt they have not started.
    const unstarted = await agent.put(agentArtifactPath(id, 'out.png', 1), bytes, { 'content-type': 'image/png' });
    expect(unstarted.status).toBe(403);
    expect(unstarted.json.message).toBe(`Attempt 1 of job ${id} has not been started by this agent`);
    expect((await agent.post(agentStartPath(id), { attempt: 1 })).status).toBe(200);
    expect((await member.get(`/api/jobs/${id}`)).json.status).toBe('running');
    expect((await agent.put(agentArtifactPath(id, 'out.png', 1), bytes, { 'content-type': 'image/png' })).status).toBe(201);
    const thief = await other.post(agentStartPath(id), { attempt: 1 });
    expect(thief.status).toBe(403);
    const intruder = await other.put(agentArtifactPath(id, 'other.png', 1), bytes, { 'content-type': 'image/png' });
    expect(intruder.status).toBe(403);
    expect(intruder.json.message).toBe(`Attempt ${1} of job ${id} is being run by another agent`);
    // The owner keeps uploading (a retried upload replaces).
    expect((await agent.put(agentArtifactPath(id, 'out.png', 1), bytes, { 'content-type': 'image/png' })).status).toBe(201);
    // A caller cannot move the job to a later attempt: not by starting it, not by uploading into it.
    const leap = await other.post(agentStartPath(id), { attempt: 999 });
    expect(leap.status).toBe(409);
    const leapUpload = await other.put(agentArtifactPath(id, 'other.png', 999), bytes, { 'content-type': 'image/png' });
    expect(leapUpload.status).toBe(403);
    expect((await member.get(`/api/jobs/${id}`)).json.attempts).toBe(1);
    expect((await agent.put(agentArtifactPath(id, 'out.png', 1), bytes, { 'content-type': 'image/png' })).status).toBe(201);
    // A new attempt may go to another agent, which then owns it.
    h.app.jobs.onRetrying(id, 'agent went away');
    expect((await other.post(agentStartPath(id), { attempt: 2 })).status).toBe(200);
    expect((await other.put(agentArtifactPath(id, 'out.png', 2), bytes, { 'content-type': 'image/png' })).status).toBe(201);
    expect((await agent.put(agentArtifactPath(id, 'out.png', 2), bytes, { 'content-type': 'image/png' })).status).toBe(403);
    await member.post(`/api/jobs/${id}/cancel`);
  });

  it('lets an agent fetch the input media only of a live job it started', async () => {
    const res = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } });
    const other = await deviceClient(h.t, admin, 'agent');
    // Only once this agent has started the job, and only for it.
    expect((await agent.get(`/api/agent/media/${photoId}`)).status).toBe(404);
    expect((await agent.post(agentStartPath(res.json.id), { attempt: 1 })).status).toBe(200);
    const got = await agent.get(`/api/agent/media/${photoId}`);
    expect(got.status).toBe(200);
    expect((await other.get(`/api/agent/media/${photoId}`)).status).toBe(404);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect((await member.get(`/api/agent/media/${photoId}`)).status).toBe(403);
    await member.post(`/api/jobs/${res.json.id}/cancel`);
    // Cancel every other live job using it, then the agent may no longer read it.
    for (const row of h.app.jobs.store.live()) if (row.input.includes(photoId)) await admin.post(`/api/jobs/${row.id}/cancel`);
    expect((await agent.get(`/api/agent/media/${photoId}`)).status).toBe(404);
  });

  it('retries a failed job as a new attempt that a worker runs again', async () => {
    const runs = new Map<string, number>();
    const worker = await startInlineWorker(h.t.redis.url, 'llm', async (job) => {
      const n = (runs.get(job.id) ?? 0) + 1;
      runs.set(job.id, n);
      if (n === 1) throw new Error('the model is not loaded');
      return { artifacts: [], data: { panels: [{ index: 0, lines: [{ speaker: 'Ala', text: 'Hi' }] }] } };
    });
    try {
      const res = await member.post('/api/jobs', {
        type: 'text.dialogue',
        input: { characters: [{ name: 'Ala', description: 'cat' }], panels: [{ description: 'hi', characters: ['Ala'] }] },
      });
      const id = res.json.id as string;
      await waitFor(async () => ['succeeded', 'failed'].includes((await member.get(`/api/jobs/${id}`)).json.status), { timeoutMs: 15_000 });
      const first = (await member.get(`/api/jobs/${id}`)).json;
      // Attempt 1 failed, bee-queue retried (backoff 3 s) and attempt 2 succeeded.
      expect(first).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect((await member.post(`/api/jobs/${id}/retry`)).status).toBe(409);
      h.app.db.prepare("UPDATE jobs SET status = 'failed' WHERE id = ?").run(id);
      const retried = await member.post(`/api/jobs/${id}/retry`);
      expect(retried.status).toBe(200);
      expect(retried.json).toMatchObject({ status: 'queued', attempts: 3, error: null, result: null });
      await waitFor(async () => (await member.get(`/api/jobs/${id}`)).json.status === 'succeeded', { timeoutMs: 10_000 });
      expect(runs.get(id)).toBe(3);
    } finally {
      await worker.close();
    }
  });

  it('exports metrics for queue depth, jobs waiting for a GPU and jobs by status', async () => {
    const text = (await h.t.client().get('/metrics')).text;
    expect(text).toMatch(/hearth_job_queue_depth\{[^}]*capability="builtin"[^}]*\} \d+/);
    expect(text).toMatch(/hearth_jobs_waiting_for_gpu\{[^}]*\} \d+/);
    expect(text).toMatch(/hearth_jobs_total\{[^}]*type="image.upscale"[^}]*status="succeeded"[^}]*\} 1/);
  });
});
