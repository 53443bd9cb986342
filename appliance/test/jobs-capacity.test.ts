import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { freePort, waitFor } from '@hearth/testkit';
import { agentTopics } from '@hearth/protocol';
import type { HttpClient } from './support/http-client.js';
import { magicPacket } from '../src/agents/wake-on-lan.js';
import { announceAgent, openEvents, startInlineWorker, startJobsAppliance, type JobsAppliance } from './jobs-fixtures.js';

let h: JobsAppliance;
let admin: HttpClient;
let udp: Socket;
const packets: Buffer[] = [];

const generate = { type: 'image.generate', input: { prompt: 'a lighthouse at dusk' } };
const dialogue = { type: 'text.dialogue', input: { characters: [{ name: 'Ala', description: 'cat' }], panels: [{ description: 'hi', characters: ['Ala'] }] } };

beforeAll(async () => {
  h = await startJobsAppliance();
  admin = await h.t.admin();
  const port = await freePort();
  udp = createSocket('udp4');
  udp.on('message', (msg) => packets.push(msg));
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  await h.app.settings.update((s) => {
    (s as Record<string, unknown>).wakeOnLan = { broadcastAddress: '127.0.0.1', port, extraTargets: [] };
  });
});
afterAll(async () => {
  udp?.close();
  await h?.close();
});

const statusOf = async (id: string): Promise<string> => (await admin.get(`/api/jobs/${id}`)).json.status;
const agentIs = (agentId: string, availability: string) => async () =>
  (await admin.get('/api/agents')).json.agents.some((a: { agentId: string; availability: string }) => a.agentId === agentId && a.availability === availability);

describe('queued jobs whose agent goes away', () => {
  it('wait for a GPU and wake the machine when the last agent sleeps, and run once it is back; other capabilities are untouched', async () => {
    const pc = await announceAgent(h.t.mosquitto.url, { agentId: 'family-pc', capabilities: ['comfyui'], macs: ['aa:bb:cc:dd:ee:02'] });
    const llmBox = await announceAgent(h.t.mosquitto.url, { agentId: 'llm-box', capabilities: ['llm'] });
    const sse = openEvents(admin);
    let worker: Awaited<ReturnType<typeof startInlineWorker>> | undefined;
    try {
      await waitFor(agentIs('family-pc', 'online'), { timeoutMs: 5000 });
      await waitFor(agentIs('llm-box', 'online'), { timeoutMs: 5000 });
      const job = (await admin.post('/api/jobs', generate)).json;
      const other = (await admin.post('/api/jobs', dialogue)).json;
      expect([job.status, other.status]).toEqual(['queued', 'queued']);
      expect(packets).toHaveLength(0);

      await pc.setAvailability('asleep');
      await waitFor(async () => (await statusOf(job.id)) === 'waiting_for_gpu', { timeoutMs: 5000, what: 'the queued job waits for a GPU' });
      await waitFor(
        () =>
          sse.events.some(
            (e) => e.type === 'job' && (e.data as { id: string; status: string }).id === job.id && (e.data as { status: string }).status === 'waiting_for_gpu',
          ),
        { timeoutMs: 5000, what: 'an SSE job event saying so' },
      );
      await waitFor(() => packets.length > 0, { timeoutMs: 5000, what: 'a magic packet' });
      expect(packets.some((p) => p.equals(magicPacket('aa:bb:cc:dd:ee:02')))).toBe(true);
      // The llm job has its own agent: neither its status nor an event about it changed.
      expect(await statusOf(other.id)).toBe('queued');
      expect(
        sse.events.filter((e) => e.type === 'job' && (e.data as { id: string }).id === other.id).map((e) => (e.data as { status: string }).status),
      ).toEqual(['queued']);
      expect(await h.t.running.connections.redis.hexists('hearth:jobs:comfyui:jobs', job.id)).toBe(1);

      await pc.setAvailability('online');
      await waitFor(async () => (await statusOf(job.id)) === 'queued', { timeoutMs: 5000, what: 'the job queued again' });
      worker = await startInlineWorker(h.t.redis.url, 'comfyui', async () => ({ artifacts: [] }));
      await waitFor(async () => (await statusOf(job.id)) === 'succeeded', { timeoutMs: 10_000, what: 'the job run to success' });
      expect((await admin.get(`/api/jobs/${job.id}`)).json).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
      expect(await statusOf(other.id)).toBe('queued');
    } finally {
      await worker?.close();
      await sse.close();
      await llmBox.close();
      await pc.close();
    }
  });

  it('wait when the announcement drops the capability while a running job is left alone, and queue again when it is announced back', async () => {
    const studio = await announceAgent(h.t.mosquitto.url, { agentId: 'studio', capabilities: ['comfyui'], macs: ['aa:bb:cc:dd:ee:03'] });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = await startInlineWorker(h.t.redis.url, 'comfyui', async (j) => {
      if (j.data.input && (j.data.input as { prompt: string }).prompt === 'first') await gate;
      return { artifacts: [] };
    });
    try {
      await waitFor(agentIs('studio', 'online'), { timeoutMs: 5000 });
      const running = (await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: 'first' } })).json;
      await waitFor(async () => (await statusOf(running.id)) === 'running', { timeoutMs: 5000, what: 'the first job running' });
      // The worker (concurrency 1) is busy: the second job stays queued.
      const queued = (await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: 'second' } })).json;
      expect(queued.status).toBe('queued');

      const announce = (capabilities: string[]) =>
        studio.client.publishAsync(
          agentTopics('studio').announce,
          JSON.stringify({
            agentId: 'studio',
            name: 'studio',
            version: '0.0.0',
            capabilities,
            macs: ['aa:bb:cc:dd:ee:03'],
            gpus: [],
            acceptingJobs: true,
          }),
          { qos: 1, retain: true },
        );
      await announce(['builtin']);
      await waitFor(async () => (await statusOf(queued.id)) === 'waiting_for_gpu', { timeoutMs: 5000, what: 'the queued job waits for a GPU' });
      // The studio is on (its ComfyUI stopped answering): a wake packet would change nothing, so none goes to it.
      const wait = (await admin.get(`/api/jobs/${queued.id}`)).json.wait as { computers: Array<{ agentId: string }> };
      expect(wait.computers.map((c) => c.agentId)).not.toContain('studio');
      expect(packets.some((p) => p.equals(magicPacket('aa:bb:cc:dd:ee:03')))).toBe(false);
      expect(await statusOf(running.id)).toBe('running');

      // Still online all along: the capability coming back is enough.
      await announce(['builtin', 'comfyui']);
      await waitFor(async () => (await statusOf(queued.id)) === 'queued', { timeoutMs: 5000, what: 'the job queued again' });
      release();
      await waitFor(async () => (await statusOf(running.id)) === 'succeeded' && (await statusOf(queued.id)) === 'succeeded', {
        timeoutMs: 10_000,
        what: 'both jobs succeeded',
      });
    } finally {
      release();
      await worker.close();
      await studio.close();
    }
  });
});
