/**
 * The shared live client in a real Chromium: the event stream is cut for a few seconds while a
 * job finishes; when it comes back the page resyncs and shows the job done, without a reload.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { waitFor } from '@hearth/testkit';
import { letJobsWaitForAComputer, startTestAppliance, type TestAppliance } from './support/harness.js';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, launchChromium, watch } from './portal-support/browser.js';
import { apiLogin, onboardInBrowser, photo, upload } from './portal-support/flows.js';
import { reportProgress, startInlineWorker } from './jobs-fixtures.js';

/** A pass-through proxy in front of the appliance that can take `/api/events` away (a network drop for the stream only). */
async function streamCutter(target: string) {
  const streams = new Set<Socket>();
  let down = false;
  let refused = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/api/events')) {
      if (down) {
        refused++;
        res.writeHead(503).end();
        return;
      }
      streams.add(req.socket);
      req.socket.once('close', () => streams.delete(req.socket));
    }
    const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get open() {
      return streams.size;
    },
    /** Stream requests turned away while cut (the client's reconnect attempts). */
    get refused() {
      return refused;
    },
    cut() {
      down = true;
      for (const s of streams) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('live client resync in Chromium', () => {
  let t: TestAppliance;
  let browser: Browser;
  let proxy: Awaited<ReturnType<typeof streamCutter>>;

  beforeAll(async () => {
    await ensurePortalBuilt();
    [t, browser] = await Promise.all([startTestAppliance({ product: true }), launchChromium()]);
    // An inline worker stands in for a computer, and none has announced itself: let the job be queued.
    await letJobsWaitForAComputer(t);
    proxy = await streamCutter(t.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await t?.close();
  });

  it('a job that finishes while the stream is down shows as done once it is back, without a reload', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const seen = watch(page);
    await onboardInBrowser(page, proxy.url, 'Mum');
    const admin = await apiLogin(t.url, 'admin');
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = await startInlineWorker(t.redis.url, 'builtin', async (job) => {
      if (job.data.type === 'image.moderate') return { artifacts: [], data: { verdict: 'safe' } };
      await reportProgress(job, { fraction: 0.3, stage: 'tile 1/3' });
      await released;
      return { artifacts: [] };
    });
    try {
      const mediaId = await upload(admin, await photo(3));
      const job = (await admin.post('/api/jobs', { type: 'image.upscale', input: { mediaId, scale: 2 } })).json as { id: string };
      await page.goto(`${proxy.url}/jobs/${job.id}`);
      await page.getByRole('button', { name: 'Cancel job' }).waitFor();
      await page.locator('.badge', { hasText: 'running' }).waitFor({ timeout: 20_000 });
      await waitFor(() => proxy.open > 0, { timeoutMs: 10_000, what: 'the page’s event stream' });
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });

      proxy.cut();
      release();
      await waitFor(async () => (await admin.get(`/api/jobs/${job.id}`)).json.status === 'succeeded', { timeoutMs: 20_000, what: 'the job to succeed' });
      // Nothing about the end reached the page: it still says running.
      expect(await page.locator('.badge').first().textContent()).toBe('running');
      // The drop lasts until the client has tried to reconnect and been turned away twice.
      await waitFor(() => proxy.refused >= 2, { timeoutMs: 30_000, what: 'reconnect attempts refused during the drop' });
      proxy.restore();

      await page.locator('.badge', { hasText: 'done' }).waitFor({ timeout: 45_000 });
      expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(seen.errors).toEqual([]);
    } finally {
      release();
      await worker.close();
      await context.close();
    }
  });
});
