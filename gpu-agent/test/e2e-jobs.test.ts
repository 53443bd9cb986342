/**
 * One AI job end to end, with every part real: the appliance (HTTP, SQLite, bee-queue producer),
 * a private Redis (AOF on) and Mosquitto, and gpu-agent processes started as in production
 * (`node --import tsx gpu-agent/src/main.ts`) running the real ESRGAN x2 model on tfjs WASM.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '@hearth/protocol';
import { letJobsWaitForAComputer } from '../../appliance/test/support/harness.js';
import { deviceClient, openEvents, startJobsAppliance, uploadForm, type JobsAppliance } from '../../appliance/test/jobs-fixtures.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { testPhoto } from '../src/runners/builtin/test-support.js';
import { startAgent, waitFor, type AgentProcess } from './helpers.js';

// The agents' and the appliance's stall windows must agree (WORKER_QUEUE_SETTINGS): 5 s.
const STALL_MS = 5000;

let lab: JobsAppliance;
let admin: HttpClient;
let agentToken: string;
let agentDir: string;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  lab = await startJobsAppliance({ tuning: { jobs: { stallIntervalMs: STALL_MS } } });
  // Jobs may be submitted before the agent has announced itself: they wait for it instead of being refused.
  await letJobsWaitForAComputer(lab.t);
  admin = await lab.t.admin();
  agentToken = (await deviceClient(lab.t, admin, 'agent')).bearer!;
  agentDir = await mkdtemp(join(tmpdir(), 'hearth-e2e-agent-'));
}, 60_000);

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop('SIGKILL')));
});

afterAll(async () => {
  await lab?.close();
  if (agentDir) await rm(agentDir, { recursive: true, force: true });
});

function agent(env: Record<string, string> = {}): AgentProcess {
  const a = startAgent({
    AGENT_ID: 'e2e-pc',
    MQTT_URL: lab.t.mosquitto.url,
    REDIS_URL: lab.t.redis.url,
    APPLIANCE_URL: lab.t.url,
    AGENT_TOKEN: agentToken,
    AGENT_DATA_DIR: agentDir,
    NVIDIA_SMI: join(agentDir, 'no-nvidia-smi'),
    LOG_LEVEL: 'info',
    ...env,
  });
  agents.push(a);
  return a;
}

async function upload(width: number, height: number, hue: number): Promise<string> {
  const res = await admin.post('/api/media', uploadForm(await testPhoto(width, height, hue)));
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

async function submit(mediaId: string): Promise<string> {
  const res = await admin.post('/api/jobs', { type: 'image.upscale', input: { mediaId, scale: 2 } });
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

async function job(id: string) {
  return (await admin.get(`/api/jobs/${id}`)).json;
}

/** Whether a process has libvips (sharp's native library) mapped; false once it is gone. */
const mapsLibvips = async (pid: number) => /libvips/.test(await readFile(`/proc/${pid}/maps`, 'utf8').catch(() => ''));

async function childrenOf(pid: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  const stats = await Promise.all(pids.map(async (p) => [Number(p), await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '')] as const));
  // Field 4 is the parent's pid; the command name before it is in parentheses and may hold spaces.
  return stats.filter(([, stat]) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid).map(([p]) => p);
}

const until = (id: string, status: string, timeoutMs = 90_000) =>
  waitFor(async () => ((await job(id)).status === status ? job(id) : null), { timeoutMs, intervalMs: 200, what: `job ${id} ${status}` });

async function mediaOfJob(jobId: string): Promise<Array<{ id: string; width: number; height: number; jobId: string }>> {
  const res = await admin.get('/api/media?scope=mine&limit=100');
  return (res.json.media as Array<{ id: string; width: number; height: number; jobId: string }>).filter((m) => m.jobId === jobId);
}

// Real models on a shared 2-core CI box: generous per-test limits, though each usually takes 10–25 s.
describe('AI jobs end to end (appliance + real gpu-agent processes)', { timeout: 240_000 }, () => {
  it('upscales a photo ×2 with ESRGAN: result twice the size, in the gallery, progress in order over SSE', async () => {
    const events = openEvents(admin);
    agent();
    const mediaId = await upload(80, 64, 0);
    const id = await submit(mediaId);
    const done = await until(id, 'succeeded');
    expect(done.result.mediaIds).toHaveLength(1);
    const outId = done.result.mediaIds[0] as string;
    const bytes = Buffer.from(await (await fetch(new URL(`/api/media/${outId}`, lab.t.url), { headers: { cookie: admin.cookie! } })).arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([160, 128]);
    const gallery = await mediaOfJob(id);
    expect(gallery.map((m) => [m.id, m.width, m.height])).toEqual([[outId, 160, 128]]);

    await waitFor(() =>
      events.events.some(
        (e) => e.type === 'job' && (e.data as { id: string; status: string }).id === id && (e.data as { status: string }).status === 'succeeded',
      ),
    );
    await events.close();
    const progress = events.events
      .filter((e) => e.type === 'job.progress' && (e.data as { jobId: string }).jobId === id)
      .map((e) => (e.data as { progress: JobProgress }).progress);
    expect(progress[0]!.stage).toBe('started');
    // The relay coalesces reports within its interval, so not every stage need arrive — but only real ones, in order.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const p of progress) expect(p.stage).toMatch(/^(started|loading model|tile \d+\/\d+|saving)$/);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    const lastProgressAt = events.events.findLastIndex((e) => e.type === 'job.progress' && (e.data as { jobId: string }).jobId === id);
    const succeededAt = events.events.findIndex(
      (e) => e.type === 'job' && (e.data as { id: string; status: string }).id === id && (e.data as { status: string }).status === 'succeeded',
    );
    expect(succeededAt).toBeGreaterThan(lastProgressAt);
  });

  it('decodes and encodes in an image process: the agent never maps libvips, and the process ends after the idle unload', async () => {
    const pc = agent({ HEARTH_AGENT_MODEL_IDLE_MS: '3000' });
    const pid = pc.child.pid!;
    const imageProcessWithLibvips = async () => {
      for (const child of await childrenOf(pid)) if (await mapsLibvips(child)) return true;
      return false;
    };
    const id = await submit(await upload(48, 40, 200));
    // It lives from the first picture until the idle time after the last: seen while the job runs.
    await waitFor(imageProcessWithLibvips, { timeoutMs: 90_000, what: 'an image process with libvips' });
    await until(id, 'succeeded');
    expect(await mapsLibvips(pid)).toBe(false);
    // The unload ends the image process (a child that had libvips) and leaves none behind.
    await waitFor(async () => !(await imageProcessWithLibvips()), { timeoutMs: 60_000, intervalMs: 250, what: 'the image process gone after the idle unload' });
    expect(pc.output()).not.toMatch(/image process (failed|exited)/);
    expect(await mapsLibvips(pid)).toBe(false);
  });

  it('kill -9 of the agent mid-job: a restarted agent completes it, and exactly one result exists', async () => {
    const first = agent();
    const id = await submit(await upload(288, 288, 40));
    await waitFor(async () => /^tile [1-9]/.test((await job(id)).progress?.stage ?? ''), { timeoutMs: 60_000, intervalMs: 100, what: 'a tile done' });
    await first.stop('SIGKILL');
    expect((await job(id)).status).toBe('running');
    agent();
    const done = await until(id, 'succeeded', 120_000);
    expect(done.result.mediaIds).toHaveLength(1);
    expect(await mediaOfJob(id)).toHaveLength(1);
  });

  it('a Redis restart (AOF) with jobs queued and running loses none and duplicates none', async () => {
    agent();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await submit(await upload(160, 160, 80 + i * 30)));
    await waitFor(async () => (await job(ids[0]!)).status === 'running', { timeoutMs: 60_000, intervalMs: 100, what: 'first job running' });
    await lab.t.redis.restart({ downMs: 500 });
    for (const id of ids) {
      const done = await until(id, 'succeeded', 180_000);
      expect(done.result.mediaIds).toHaveLength(1);
      expect(await mediaOfJob(id)).toHaveLength(1);
    }
  });

  it('cancels a running job: the runner stops within 2 s, the job is cancelled, no artifact', async () => {
    const a = agent();
    const id = await submit(await upload(288, 288, 200));
    await waitFor(async () => /^tile [1-9]/.test((await job(id)).progress?.stage ?? ''), { timeoutMs: 60_000, intervalMs: 100, what: 'a tile done' });
    const cancelledAt = Date.now();
    const res = await admin.post(`/api/jobs/${id}/cancel`);
    expect(res.status, res.text).toBe(200);
    const line = await waitFor(
      () =>
        a
          .output()
          .split('\n')
          .find((l) => l.includes(`job ${id} failed: cancelled`)),
      { timeoutMs: 10_000, intervalMs: 20, what: 'runner aborted' },
    );
    // The agent's own timestamp of the settled job; the runner stops at its next tile boundary.
    expect(Date.parse(line.split(' ')[0]!) - cancelledAt).toBeLessThan(2000);
    expect((await job(id)).status).toBe('cancelled');
    // Give a misbehaving agent the chance to upload anyway before checking that nothing came.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await job(id)).result).toBeNull();
    expect(await mediaOfJob(id)).toEqual([]);
  });
});
