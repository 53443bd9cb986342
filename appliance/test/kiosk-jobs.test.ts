import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hearth/testkit';
import type { HttpClient } from './support/http-client.js';
import { letJobsWaitForAComputer, startTestAppliance, type TestAppliance } from './support/harness.js';
import { deviceClient, openEvents, png, reportProgress, startInlineWorker, uploadForm } from './jobs-fixtures.js';
import { jobCapabilities } from '../src/jobs/capabilities.js';
import { kioskFeedPlugin } from '../src/kiosk-feed/index.js';

/** The wall's jobs tile follows the domain bus (no polling): redacted views, Hearth's own jobs left out. */
let t: TestAppliance;
let admin: HttpClient;

beforeAll(async () => {
  t = await startTestAppliance({
    capabilities: (connections, log, config) => [
      ...jobCapabilities({
        dataDir: config.dataDir,
        version: 'test-1',
        connections,
        log,
        tuning: { wakeIntervalMs: 0, jobs: { tickMs: 100, reconcileMs: 600_000 } },
      }),
      async (app) => {
        await app.register(kioskFeedPlugin, { version: 'test-1', publicUrl: undefined });
      },
    ],
  });
  await letJobsWaitForAComputer(t);
  admin = await t.admin();
});
afterAll(() => t?.close());

describe('kiosk job relay', () => {
  it('shows a member’s job live on the wall without its input, preview or result, and never moderation jobs', async () => {
    const alice = await t.user(admin, 'member', 'alice');
    const kiosk = await deviceClient(t, admin, 'kiosk');
    const wall = openEvents(kiosk);
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = await startInlineWorker(t.redis.url, 'builtin', async (job) => {
      if (job.data.type === 'image.moderate') return { artifacts: [], data: { verdict: 'safe' } };
      await reportProgress(job, { fraction: 0.25, stage: 'tile 1/4', message: 'secret prompt detail' });
      await released;
      return { artifacts: [] };
    });
    try {
      await waitFor(() => wall.events.some((e) => e.type === 'hello'), { timeoutMs: 10_000 });
      const pic = (await alice.post('/api/media', uploadForm(await png()))).json;
      const job = (await alice.post('/api/jobs', { type: 'image.upscale', input: { mediaId: pic.id, scale: 2 } })).json;
      const seen = () =>
        wall.events
          .filter((e) => e.type === 'job' && (e.data as { id: string }).id === job.id)
          .map((e) => e.data as { status: string; input: unknown; result: unknown; error: unknown; progress: Record<string, unknown> | null });
      await waitFor(() => seen().some((v) => v.status === 'running' && v.progress?.stage === 'tile 1/4'), { timeoutMs: 15_000 });

      const feed = (await kiosk.get('/api/kiosk/feed')).json;
      expect(feed.jobs.map((j: { id: string; status: string }) => [j.id, j.status])).toEqual([[job.id, 'running']]);
      expect(feed.jobs[0].progress).toEqual({ fraction: 0.25, stage: 'tile 1/4' });

      release();
      await waitFor(() => seen().some((v) => v.status === 'succeeded'), { timeoutMs: 15_000 });
      // No agent announced itself: the job waits for a GPU until the worker takes it.
      expect([...new Set(seen().map((v) => v.status))]).toEqual(['waiting_for_gpu', 'running', 'succeeded']);
      for (const v of seen()) {
        expect(v.input).toEqual({});
        expect(v.result).toBeNull();
        expect(v.error).toBeNull();
        if (v.progress) expect(Object.keys(v.progress).sort()).toEqual(['fraction', 'stage']);
      }
      expect(wall.events.some((e) => e.type === 'job' && (e.data as { type: string }).type === 'image.moderate')).toBe(false);
      expect((await kiosk.get('/api/kiosk/feed')).json.jobs).toEqual([]);
    } finally {
      release();
      await worker.close();
      await wall.close();
    }
  });
});
