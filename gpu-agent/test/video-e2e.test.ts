/**
 * Narration and video jobs end to end, every part real but the speech server: the appliance
 * (HTTP, SQLite, bee-queue producer), a private Redis (AOF on) and Mosquitto, gpu-agent processes
 * as in production with espeak-ng and ffmpeg, and Chromium playing the result. The OpenAI-compatible
 * speech server is the stand-in (no such server can run here).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { letJobsWaitForAComputer } from '../../appliance/test/support/harness.js';
import { deviceClient, startJobsAppliance, uploadForm, type JobsAppliance } from '../../appliance/test/jobs-fixtures.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { testPhoto } from '../src/runners/builtin/test-support.js';
import { wavInfo } from '../src/runners/speech/wav.js';
import { probe } from '../src/runners/video/test-support.js';
import { CROSSFADE_S, PAUSE_S } from '../src/runners/video/timeline.js';
import { startAgent, waitFor, type AgentProcess } from './helpers.js';
import { OpenAiSpeechStandin } from './standins/openai-speech/server.js';

// The agents' and the appliance's stall windows must agree (WORKER_QUEUE_SETTINGS): 5 s.
const STALL_MS = 5000;
const LINES = [
  'A small dragon lived in a cave at the edge of the forest.',
  'Every night he hid under his blanket, because he was afraid of the dark.',
  'Then a firefly knocked on his door and showed him the stars.',
];

let lab: JobsAppliance;
let admin: HttpClient;
let agentToken: string;
let agentDir: string;
let speechServer: OpenAiSpeechStandin;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  lab = await startJobsAppliance({ tuning: { jobs: { stallIntervalMs: STALL_MS } } });
  await letJobsWaitForAComputer(lab.t);
  admin = await lab.t.admin();
  agentToken = (await deviceClient(lab.t, admin, 'agent')).bearer!;
  agentDir = await mkdtemp(join(tmpdir(), 'hearth-video-e2e-'));
  await mkdir(join(agentDir, 'tmp'));
  speechServer = await new OpenAiSpeechStandin().start();
  await writeFile(
    join(agentDir, 'backends.json'),
    JSON.stringify({ openaiSpeech: { url: speechServer.url, model: 'kokoro', voices: [{ name: 'af_bella', language: 'en' }] } }),
  );
}, 60_000);

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop('SIGKILL')));
});

afterAll(async () => {
  await lab?.close();
  await speechServer?.stop();
  if (agentDir) await rm(agentDir, { recursive: true, force: true });
});

function agent(): AgentProcess {
  const a = startAgent({
    AGENT_ID: 'film-pc',
    MQTT_URL: lab.t.mosquitto.url,
    REDIS_URL: lab.t.redis.url,
    APPLIANCE_URL: lab.t.url,
    AGENT_TOKEN: agentToken,
    AGENT_DATA_DIR: agentDir,
    AGENT_BACKENDS: join(agentDir, 'backends.json'),
    NVIDIA_SMI: join(agentDir, 'no-nvidia-smi'),
    TMPDIR: join(agentDir, 'tmp'),
    LOG_LEVEL: 'info',
  });
  agents.push(a);
  return a;
}

async function submit(type: string, input: unknown): Promise<string> {
  const res = await admin.post('/api/jobs', { type, input });
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

const job = async (id: string) => (await admin.get(`/api/jobs/${id}`)).json;
const until = (id: string, status: string, timeoutMs = 120_000) =>
  waitFor(
    async () => {
      const j = await job(id);
      if (j.status === 'failed') throw new Error(`job ${id} failed: ${JSON.stringify(j.error)}`);
      return j.status === status ? j : null;
    },
    { timeoutMs, intervalMs: 200, what: `job ${id} ${status}` },
  );

const bytesOf = async (mediaId: string) =>
  Buffer.from(await (await fetch(new URL(`/api/media/${mediaId}`, lab.t.url), { headers: { cookie: admin.cookie! } })).arrayBuffer());

async function mediaOfJob(jobId: string): Promise<Array<{ id: string; contentType: string }>> {
  const res = await admin.get('/api/media?scope=mine&limit=100');
  return (res.json.media as Array<{ id: string; contentType: string; jobId: string }>).filter((m) => m.jobId === jobId);
}

/** Command lines of the running processes that name `path` (from /proc). */
async function programsUsing(path: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(path)) found.push(cmdline.split('\0').join(' ').trim());
  }
  return found;
}

describe('a narrated film from three pictures', () => {
  it("voices come from the agent's announcement; killed during video.compose, a restarted agent finishes the film exactly once", async () => {
    let a = agent();
    // The agent announces every voice it has, the speech server's with `openai:` ids.
    const voices = await waitFor(
      async () => {
        const live = (await admin.get('/api/agents')).json.agents as Array<{ agentId: string; voices: Array<{ id: string }>; capabilities: string[] }>;
        const pc = live.find((x) => x.agentId === 'film-pc' && x.capabilities.includes('video'));
        return pc?.voices.map((v) => v.id);
      },
      { timeoutMs: 90_000, what: `the agent's announcement\n${a.output()}` },
    );
    expect(voices).toEqual(['openai:af_bella', 'espeak:en', 'espeak:pl']);

    const pictures: string[] = [];
    for (const [i] of LINES.entries()) {
      const res = await admin.post('/api/media', uploadForm(await testPhoto(640, 480, i * 70)));
      expect(res.status, res.text).toBe(201);
      pictures.push(res.json.id as string);
    }
    const speeches = [];
    for (const [i, text] of LINES.entries())
      speeches.push(await submit('audio.speak', { text, voice: i === 1 ? 'openai:af_bella' : 'espeak:en', language: 'en' }));
    const narrations: string[] = [];
    for (const id of speeches) narrations.push(((await until(id, 'succeeded')).result.mediaIds as string[])[0]!);
    expect(speechServer.requests.map((r) => r.body.input)).toEqual([LINES[1]]);
    const spoken = (await Promise.all(narrations.map(bytesOf))).reduce((sum, wav) => sum + wavInfo(wav).seconds, 0);

    // 1280×720 keeps ffmpeg busy long enough to kill the agent in the middle of it.
    const scenes = LINES.map((subtitle, i) => ({ pictureId: pictures[i]!, narrationId: narrations[i]!, subtitle }));
    const id = await submit('video.compose', { scenes, burnSubtitles: true, width: 1280, height: 720, language: 'en' });
    await waitFor(
      async () => {
        const p = (await job(id)).progress as { stage: string; fraction: number } | undefined;
        return p?.stage === 'composing' && p.fraction > 0.06;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: `ffmpeg under way\n${a.output()}` },
    );
    const scratch = join(agentDir, 'tmp');
    expect(await programsUsing(scratch)).toEqual([expect.stringMatching(/^ffmpeg /)]);
    await a.stop('SIGKILL');
    expect((await job(id)).status).toBe('running');
    // Its ffmpeg goes with it (parent-death signal), not encoding on beside the next agent. The kernel
    // kills it at once; the wait is shorter than the rest of the encode, so an orphan would be seen.
    await waitFor(async () => (await programsUsing(scratch)).length === 0, { timeoutMs: 5000, what: 'the orphaned ffmpeg gone' });

    a = agent();
    const done = await until(id, 'succeeded', 300_000);
    const made = await mediaOfJob(id);
    expect(made).toEqual([expect.objectContaining({ id: done.result.mediaIds[0], contentType: 'video/mp4' })]);
    expect(done.result.mediaIds).toHaveLength(1);
    // Exactly once: the restarted agent ran it under the same job, and no second film exists.
    const all = (await admin.get('/api/media?scope=mine&limit=100')).json.media as Array<{ contentType: string }>;
    expect(all.filter((m) => m.contentType === 'video/mp4')).toHaveLength(1);
    expect(a.output().match(new RegExp(`job ${id} succeeded`, 'g')) ?? []).toHaveLength(1);

    const video = await bytesOf(made[0]!.id);
    const info = await probe(video);
    const expected = spoken + LINES.length * PAUSE_S + CROSSFADE_S;
    expect(Number(info.format.duration)).toBeGreaterThan(expected * 0.95);
    expect(Number(info.format.duration)).toBeLessThan(expected * 1.05);
    expect(info.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264', 'mov_text']);

    // The killed run left nothing behind: its ffmpeg died with it, the new agent swept its folder.
    expect(a.output()).toMatch(/removed 1 working folder\(s\) left by an agent that was stopped mid-job/);
    expect((await readdir(join(agentDir, 'tmp'))).filter((d) => d.startsWith('hearth-'))).toEqual([]);

    // Chromium (the portal's and the kiosk's engine) can play it.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const context = await browser.newContext();
      const [name, value] = admin.cookie!.split('=');
      await context.addCookies([{ name: name!, value: value!, url: lab.t.url }]);
      const page = await context.newPage();
      await page.goto(new URL(`/api/media/${made[0]!.id}`, lab.t.url).href);
      const state = await page.waitForFunction(
        () => {
          const v = document.querySelector('video');
          return v && v.readyState >= 2 && !v.error ? { readyState: v.readyState, duration: v.duration, width: v.videoWidth } : null;
        },
        undefined,
        { timeout: 60_000 },
      );
      const seen = (await state.jsonValue())!;
      expect(seen.width).toBe(1280);
      expect(seen.duration).toBeCloseTo(Number(info.format.duration), 0);
    } finally {
      await browser.close();
    }
  }, 600_000);
});
