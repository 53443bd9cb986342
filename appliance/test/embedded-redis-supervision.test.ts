/**
 * The one-machine default's private redis-server is supervised: `kill -9` of it turns /readyz 503
 * ("restarting"), then the appliance starts it again on the same port and AOF, /readyz returns to
 * 200 by itself, and the queued job is still there and runs once.
 */
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, tempDir, waitFor, type MosquittoInstance } from '@hearth/testkit';
import { startAppliance, type RunningAppliance } from '../src/server.js';
import { jobCapabilities } from '../src/jobs/capabilities.js';
import { announceAgent, startInlineWorker } from './jobs-fixtures.js';
import { HttpClient } from './support/http-client.js';
import { TEST_PASSWORD } from './support/harness.js';

let mosquitto: MosquittoInstance;
let data: Awaited<ReturnType<typeof tempDir>>;
let running: RunningAppliance;
let admin: HttpClient;

/** The appliance's redis-server child (it titles itself `redis-server 127.0.0.1:<port>`). */
async function redisPid(): Promise<number | undefined> {
  const address = new URL(running.connections.redisUrl).host;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    if (cmd.startsWith('redis-server') && cmd.includes(address) && status.includes(`PPid:\t${process.pid}\n`)) return Number(pid);
  }
  return undefined;
}

const readyz = async () => {
  const res = await fetch(new URL('/readyz', running.url));
  return { status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> } };
};

beforeAll(async () => {
  mosquitto = await startMosquitto();
  data = await tempDir('hearth-embedded-redis-');
  running = await startAppliance(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir: data.path,
      redisUrl: undefined,
      mqttUrl: mosquitto.url,
      trustProxy: false,
      publicUrl: undefined,
      logLevel: process.env.HEARTH_TEST_LOG ?? 'silent',
    },
    {
      capabilities: (connections, log) =>
        jobCapabilities({
          dataDir: `${data.path}/media`,
          version: 'test-1',
          connections,
          log,
          tuning: { wakeIntervalMs: 0, jobs: { tickMs: 100, stallIntervalMs: 1000 } },
        }),
    },
  );
  admin = new HttpClient(running.url);
  expect((await admin.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await mosquitto?.close();
  await data?.remove();
});

describe('the embedded redis-server', () => {
  it('comes back by itself after kill -9, with its queue', async () => {
    const pc = await announceAgent(mosquitto.url, { agentId: 'pc', capabilities: ['comfyui'] });
    try {
      await waitFor(async () => (await admin.get('/api/agents')).json.agents.some((a: { availability: string }) => a.availability === 'online'), {
        timeoutMs: 10_000,
        what: 'the agent online',
      });
      const job = (await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: 'a lighthouse at dusk' } })).json;
      expect(job.status).toBe('queued');
      expect(await running.connections.redis.hexists('hearth:jobs:comfyui:jobs', job.id)).toBe(1);
      expect((await readyz()).status).toBe(200);

      const pid = await redisPid();
      expect(pid).toBeDefined();
      process.kill(pid!, 'SIGKILL');
      // While it is down, /readyz says so and why (the first restart waits about 250 ms).
      const down = await waitFor(
        async () => {
          const r = await readyz();
          return r.status === 503 && r.body.checks['embedded-redis']?.ok === false ? r : null;
        },
        { timeoutMs: 10_000, intervalMs: 10, what: '/readyz 503 while redis-server restarts' },
      );
      expect(down.body.checks['embedded-redis']!.error).toMatch(/embedded redis-server exited \(SIGKILL\); restarting it/);

      await waitFor(async () => (await readyz()).status === 200, { timeoutMs: 30_000, intervalMs: 100, what: '/readyz 200 again' });
      const newPid = await redisPid();
      expect(newPid).toBeDefined();
      expect(newPid).not.toBe(pid);
      const after = await readyz();
      expect(after.body.checks['embedded-redis']).toEqual({ ok: true });
      // The AOF brought the queued job back; a worker now runs it exactly once.
      expect(await running.connections.redis.hexists('hearth:jobs:comfyui:jobs', job.id)).toBe(1);
      const runs: string[] = [];
      const worker = await startInlineWorker(running.connections.redisUrl, 'comfyui', async (j) => {
        runs.push(String(j.id));
        return { artifacts: [] };
      });
      try {
        await waitFor(async () => (await admin.get(`/api/jobs/${job.id}`)).json.status === 'succeeded', { timeoutMs: 20_000, what: 'the job done' });
        expect(runs).toEqual([job.id]);
        expect((await admin.get(`/api/jobs/${job.id}`)).json).toMatchObject({ status: 'succeeded', attempts: 1 });
      } finally {
        await worker.close();
      }
    } finally {
      await pc.close();
    }
  }, 90_000);
});
