import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hearth/testkit';
import type { HttpClient } from './support/http-client.js';
import {
  announceAgent,
  deviceClient,
  openEvents,
  png,
  reportProgress,
  startInlineWorker,
  startJobsAppliance,
  uploadForm,
  type JobsAppliance,
} from './jobs-fixtures.js';

let h: JobsAppliance;
let admin: HttpClient;

beforeAll(async () => {
  h = await startJobsAppliance({ tuning: { events: { heartbeatMs: 200 } } });
  admin = await h.t.admin();
});
afterAll(() => h?.close());

describe('GET /api/events', () => {
  it('greets with the version, sends heartbeats, and refuses anonymous callers and agents', async () => {
    const stream = openEvents(admin);
    try {
      await waitFor(() => stream.events.length > 0 && stream.comments >= 2, { timeoutMs: 5000 });
      expect(stream.events[0]).toEqual({ type: 'hello', data: { version: 'test-1' } });
    } finally {
      await stream.close();
    }
    expect((await h.t.client().get('/api/events')).status).toBe(401);
    const agent = await deviceClient(h.t, admin, 'agent');
    expect((await agent.get('/api/events')).status).toBe(403);
  });

  it('delivers job events to their owner and admins only, and agent events to everyone incl. the kiosk', async () => {
    const alice = await h.t.user(admin, 'member', 'alice');
    const bob = await h.t.user(admin, 'member', 'bob');
    const kiosk = await deviceClient(h.t, admin, 'kiosk');
    const streams = { admin: openEvents(admin), alice: openEvents(alice), bob: openEvents(bob), kiosk: openEvents(kiosk) };
    await waitFor(() => Object.values(streams).every((s) => s.events.some((e) => e.type === 'hello')), { timeoutMs: 5000 });
    const presence = await announceAgent(h.t.mosquitto.url, { agentId: 'pc', name: 'Family PC' });
    const worker = await startInlineWorker(h.t.redis.url, 'builtin', async (job) => {
      await reportProgress(job, { fraction: 0.5, stage: 'half way' });
      return { artifacts: [] };
    });
    try {
      const pic = (await alice.post('/api/media', uploadForm(await png()))).json;
      const job = (await alice.post('/api/jobs', { type: 'image.upscale', input: { mediaId: pic.id } })).json;
      const jobEvents = (s: { events: Array<{ type: string; data: unknown }> }) =>
        s.events.filter(
          (e) =>
            (e.type === 'job' && (e.data as { id: string }).id === job.id) || (e.type === 'job.progress' && (e.data as { jobId: string }).jobId === job.id),
        );
      const statuses = (s: Parameters<typeof jobEvents>[0]) =>
        jobEvents(s)
          .filter((e) => e.type === 'job')
          .map((e) => (e.data as { status: string }).status);
      await waitFor(() => statuses(streams.alice).includes('succeeded') && statuses(streams.admin).includes('succeeded'), { timeoutMs: 10_000 });
      expect(statuses(streams.alice)).toEqual(['queued', 'running', 'succeeded']);
      expect(jobEvents(streams.alice).some((e) => e.type === 'job.progress' && (e.data as { progress: { stage: string } }).progress.stage === 'half way')).toBe(
        true,
      );
      expect(jobEvents(streams.bob)).toEqual([]);
      expect(jobEvents(streams.kiosk)).toEqual([]);
      // Alice's private, pending picture: she and admins hear of it, Bob and the kiosk do not.
      const mediaFor = (s: { events: Array<{ type: string; data: unknown }> }) =>
        s.events.filter((e) => e.type === 'media' && (e.data as { id: string }).id === pic.id);
      expect(mediaFor(streams.alice)).toHaveLength(1);
      expect(mediaFor(streams.bob)).toHaveLength(0);
      expect(mediaFor(streams.kiosk)).toHaveLength(0);
      for (const s of Object.values(streams)) {
        await waitFor(() => s.events.some((e) => e.type === 'agent' && (e.data as { name: string }).name === 'Family PC'), { timeoutMs: 5000 });
      }
    } finally {
      await worker.close();
      await presence.close();
      await Promise.all(Object.values(streams).map((s) => s.close()));
    }
  });

  it('drops a client that stops reading instead of buffering without bound', async () => {
    const hub = h.app.events;
    let ended = false;
    const slow = {
      principal: { kind: 'user', id: 1, role: 'admin', name: 'A' } as const,
      backlog: () => 10 * 1024 * 1024,
      write: () => undefined,
      close: () => {
        ended = true;
      },
    };
    hub.add(slow);
    const before = hub.size;
    hub.publish({ type: 'kiosk.control', data: { nightMode: true, page: 'home' } }, () => true);
    expect(ended).toBe(true);
    expect(hub.size).toBe(before - 1);
  });

  it('ends open streams when the appliance stops, so app.close() is not kept waiting', async () => {
    const stream = openEvents(admin);
    await waitFor(() => stream.events.length > 0, { timeoutMs: 5000 });
    const started = Date.now();
    const restarting = h.t.restart();
    await stream.done;
    expect(Date.now() - started).toBeLessThan(2000);
    await restarting;
  });
});
