import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { waitFor } from '@hearth/testkit';
import type { HttpClient } from './support/http-client.js';
import { announceAgent, png, startInlineWorker, startJobsAppliance, uploadForm, type JobsAppliance } from './jobs-fixtures.js';

let h: JobsAppliance;
let admin: HttpClient;
let photoId: string;
let presence: Awaited<ReturnType<typeof announceAgent>>;

beforeAll(async () => {
  h = await startJobsAppliance();
  admin = await h.t.admin();
  presence = await announceAgent(h.t.mosquitto.url, { agentId: 'pc' });
  photoId = (await admin.post('/api/media', uploadForm(await png()))).json.id;
});
afterAll(async () => {
  await presence?.close();
  await h?.close();
});

/** How many times each id appears across bee-queue's job hash and its lists (each live job: hash once, lists once). */
async function occurrences(redis: Redis, cap = 'builtin') {
  const k = (s: string) => `hearth:jobs:${cap}:${s}`;
  const [hash, waiting, active, delayed] = await Promise.all([
    redis.hkeys(k('jobs')),
    redis.lrange(k('waiting'), 0, -1),
    redis.lrange(k('active'), 0, -1),
    redis.zrange(k('delayed'), '0', '-1'),
  ]);
  const lists = new Map<string, number>();
  for (const id of [...waiting, ...active, ...delayed]) lists.set(id, (lists.get(id) ?? 0) + 1);
  return { hash: new Set(hash), lists };
}

const submit = async (n: number) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await admin.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } });
    expect(res.status).toBe(201);
    ids.push(res.json.id);
  }
  return ids;
};

describe('Redis restart', () => {
  it('loses and duplicates no queued job when Redis is killed and restarts, and keeps working after', async () => {
    const ids = await submit(5);
    await h.t.redis.restart({ kill: true, downMs: 300 });
    // Jobs submitted while Redis is away are kept in SQLite and added once it is back.
    const during = await admin.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId } });
    expect(during.status).toBe(201);
    ids.push(during.json.id);

    const redis = new Redis(h.t.redis.url);
    try {
      await waitFor(async () => (await occurrences(redis)).hash.size >= ids.length, { timeoutMs: 15_000, what: 'all jobs back in Redis' });
      await h.app.reconciler.run();
      const { hash, lists } = await occurrences(redis);
      for (const id of ids) {
        expect(hash.has(id)).toBe(true);
        expect(lists.get(id)).toBe(1);
      }

      // The queues work after the break: a worker drains them and the appliance hears every result.
      const worker = await startInlineWorker(h.t.redis.url, 'builtin', async () => ({ artifacts: [] }), 3);
      try {
        const newer = await submit(1);
        for (const id of [...ids, ...newer]) {
          await waitFor(async () => (await admin.get(`/api/jobs/${id}`)).json.status === 'succeeded', { timeoutMs: 15_000, what: `job ${id} succeeded` });
        }
      } finally {
        await worker.close();
      }
      await waitFor(async () => (await occurrences(redis)).hash.size === 0, { timeoutMs: 5000, what: 'finished jobs removed from Redis' });
    } finally {
      redis.disconnect();
    }
  });
});

describe('reconciliation', () => {
  it('re-adds jobs whose Redis keys were wiped, and removes jobs SQLite says are finished', async () => {
    const ids = await submit(3);
    const redis = new Redis(h.t.redis.url);
    try {
      await redis.del('hearth:jobs:builtin:waiting');
      await redis.hdel('hearth:jobs:builtin:jobs', ids[0]!);
      // A stray duplicate and a job SQLite knows as cancelled.
      await redis.lpush('hearth:jobs:builtin:waiting', ids[1]!, ids[1]!);
      h.app.db.prepare("UPDATE jobs SET status = 'cancelled' WHERE id = ?").run(ids[2]);

      const report = await h.app.reconciler.run();
      expect(report).toMatchObject({ readded: 1, requeued: 0, deduplicated: 1, removed: 1 });
      const { hash, lists } = await occurrences(redis);
      expect(hash.has(ids[0]!)).toBe(true);
      expect(lists.get(ids[0]!)).toBe(1);
      expect(lists.get(ids[1]!)).toBe(1);
      expect(hash.has(ids[2]!)).toBe(false);
      expect(lists.has(ids[2]!)).toBe(false);

      // A job stored in Redis but on no list (its list wiped) is put back on the waiting list.
      await redis.del('hearth:jobs:builtin:waiting');
      const again = await h.app.reconciler.run();
      expect(again.requeued).toBe(2);
      const after = await occurrences(redis);
      expect(after.lists.get(ids[0]!)).toBe(1);
      expect(after.lists.get(ids[1]!)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('gives jobs that finished in Redis while the appliance was away their final state', async () => {
    const [ok, bad] = await submit(2);
    // Stop the appliance, let a worker finish both jobs, start the appliance again.
    const port = Number(new URL(h.t.url).port);
    await h.t.running.stop();
    const worker = await startInlineWorker(h.t.redis.url, 'builtin', async (job) => {
      if (job.id === bad) throw new Error('tile 3 failed');
      return { artifacts: [], data: { note: 'done while you were away' } };
    });
    const redis = new Redis(h.t.redis.url);
    try {
      await waitFor(
        async () =>
          (await redis.scard('hearth:jobs:builtin:succeeded')) >= 1 &&
          (await redis.zcard('hearth:jobs:builtin:delayed')) + (await redis.scard('hearth:jobs:builtin:failed')) >= 1,
        { timeoutMs: 10_000 },
      );
      // The retry of the failing job waits in the delayed set; make it final by failing it for good.
      await waitFor(async () => (await redis.scard('hearth:jobs:builtin:failed')) === 1, { timeoutMs: 15_000, what: 'bad job failed for good' });
    } finally {
      await worker.close();
    }
    void port;
    await h.t.restart();
    admin = h.t.client();
    const login = await admin.post('/api/auth/login', { username: 'admin', password: 'family password 123' });
    expect(login.status).toBe(200);
    const good = (await admin.get(`/api/jobs/${ok}`)).json;
    expect(good).toMatchObject({ status: 'succeeded', result: { mediaIds: [], data: { note: 'done while you were away' } } });
    const failed = (await admin.get(`/api/jobs/${bad}`)).json;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/tile 3 failed/);
    expect(await redis.hlen('hearth:jobs:builtin:jobs')).toBe(0);
    redis.disconnect();
  });
});
