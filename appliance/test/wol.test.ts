import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import mqtt from 'mqtt';
import { freePort, waitFor } from '@hearth/testkit';
import { agentTopics } from '@hearth/protocol';
import type { HttpClient } from './support/http-client.js';
import { magicPacket } from '../src/agents/wake-on-lan.js';
import { announceAgent, png, startJobsAppliance, uploadForm, type JobsAppliance } from './jobs-fixtures.js';

let h: JobsAppliance;
let admin: HttpClient;
let udp: Socket;
let port: number;
const packets: Buffer[] = [];

beforeAll(async () => {
  h = await startJobsAppliance();
  admin = await h.t.admin();
  port = await freePort();
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

describe('magic packets', () => {
  it('are 6 × 0xFF followed by the MAC 16 times', () => {
    const p = magicPacket('00:1a:2b:3c:4d:5e');
    expect(p.length).toBe(102);
    expect(p.subarray(0, 6).equals(Buffer.alloc(6, 0xff))).toBe(true);
    for (let i = 0; i < 16; i++) expect(p.subarray(6 + i * 6, 12 + i * 6).toString('hex')).toBe('001a2b3c4d5e');
    expect(() => magicPacket('00:1a:2b')).toThrow(/not a MAC/);
  });
});

describe('auto-wake', () => {
  it('wakes the sleeping agent learned from its retained announcement, and queues the job once it is online', async () => {
    const presence = await announceAgent(
      h.t.mosquitto.url,
      { agentId: 'family-pc', capabilities: ['builtin', 'comfyui'], macs: ['aa:bb:cc:dd:ee:01'] },
      'asleep',
    );
    try {
      await waitFor(async () => (await admin.get('/api/agents')).json.agents[0]?.availability === 'asleep', { timeoutMs: 5000 });
      const agents = (await admin.get('/api/agents')).json.agents;
      expect(agents).toEqual([
        expect.objectContaining({ agentId: 'family-pc', availability: 'asleep', capabilities: ['builtin', 'comfyui'], acceptingJobs: true }),
      ]);

      const job = (await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: 'a lighthouse at dusk' } })).json;
      expect(job.status).toBe('waiting_for_gpu');
      await waitFor(() => packets.length > 0, { timeoutMs: 5000, what: 'a magic packet' });
      expect(packets[0]!.equals(magicPacket('aa:bb:cc:dd:ee:01'))).toBe(true);
      const metrics = (await h.t.client().get('/metrics')).text;
      expect(metrics).toMatch(/hearth_jobs_waiting_for_gpu\{[^}]*\} 1/);

      await presence.setAvailability('online');
      await waitFor(async () => (await admin.get(`/api/jobs/${job.id}`)).json.status === 'queued', {
        timeoutMs: 5000,
        what: 'job queued after the agent came online',
      });
      // The job was in bee-queue all along, exactly once.
      expect(await h.t.running.connections.redis.hexists('hearth:jobs:comfyui:jobs', job.id)).toBe(1);

      // With the agent online, new jobs for its capability are queued directly and nobody is woken.
      const count = packets.length;
      const pic = (await admin.post('/api/media', uploadForm(await png()))).json;
      expect((await admin.post('/api/jobs', { type: 'image.upscale', input: { mediaId: pic.id } })).json.status).toBe('queued');
      await new Promise((r) => setTimeout(r, 200));
      expect(packets.length).toBe(count);
    } finally {
      await presence.close();
    }
  });

  it('ignores invalid agent payloads and keeps running', async () => {
    const client = await mqtt.connectAsync(h.t.mosquitto.url);
    try {
      const t = agentTopics('junk');
      await client.publishAsync(t.announce, '{"agentId":"junk","name":"x"', { qos: 1 });
      await client.publishAsync(
        t.announce,
        JSON.stringify({ agentId: 'other', name: 'x', version: '1', capabilities: [], macs: [], gpus: [], acceptingJobs: true }),
        { qos: 1 },
      );
      await client.publishAsync(
        t.announce,
        JSON.stringify({ agentId: 'junk', name: 'x', version: '1', capabilities: ['quantum'], macs: ['zz'], gpus: [], acceptingJobs: true }),
        { qos: 1 },
      );
      await client.publishAsync(t.availability, 'maybe', { qos: 1 });
      await client.publishAsync('hearth/agent/BAD ID/availability', 'online', { qos: 1 });
      await client.publishAsync(
        agentTopics('pc2').announce,
        JSON.stringify({
          agentId: 'pc2',
          name: 'PC 2',
          version: '1',
          capabilities: ['llm'],
          macs: [],
          gpus: [{ index: 0, name: 'RTX', memoryTotalMiB: 8192 }],
          acceptingJobs: true,
        }),
        { qos: 1 },
      );
      await client.publishAsync(
        agentTopics('pc2').state,
        JSON.stringify({
          accepting: true,
          gpus: { gpu0: { index: 0, name: 'RTX', utilization_percent: 42, memory_used_mib: 1024, temperature_c: 55, power_draw_w: 120.5 } },
        }),
        { qos: 1 },
      );
      await client.publishAsync(agentTopics('pc2').availability, 'online', { qos: 1 });
      await waitFor(
        async () =>
          (await admin.get('/api/agents')).json.agents.some(
            (a: { agentId: string; availability: string }) => a.agentId === 'pc2' && a.availability === 'online',
          ),
        { timeoutMs: 5000 },
      );
      const agents = (await admin.get('/api/agents')).json.agents;
      expect(agents.map((a: { agentId: string }) => a.agentId)).toEqual(['pc2']);
      expect(agents[0].gpus).toEqual([
        { index: 0, name: 'RTX', utilizationPct: 42, memoryUsedMiB: 1024, memoryTotalMiB: 8192, temperatureC: 55, powerW: 120.5 },
      ]);
      expect(agents[0].lastSeen).toBeGreaterThan(0);
    } finally {
      await client.publishAsync(agentTopics('pc2').announce, '', { qos: 1, retain: true });
      await client.endAsync();
    }
  });
});
