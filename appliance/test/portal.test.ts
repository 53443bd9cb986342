import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@hearth/testkit';
import { portalPlugin } from '../src/web/index.js';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import { DIST, ensurePortalBuilt } from './portal-support/build.js';

describe('the portal served by the appliance', () => {
  let t: TestAppliance;
  let manifest: Record<string, { file: string; css?: string[]; isEntry?: boolean }>;

  beforeAll(async () => {
    await ensurePortalBuilt();
    manifest = JSON.parse(await readFile(join(DIST, '.vite/manifest.json'), 'utf8'));
    t = await startTestAppliance({ product: true });
  }, 120_000);
  afterAll(async () => t?.close());

  it('serves index.html at / with a strict CSP, revalidated on every visit, and no inline script', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('caches hashed assets for a year as immutable', async () => {
    const entry = Object.values(manifest).find((m) => m.isEntry)!;
    for (const file of [entry.file, ...(entry.css ?? [])]) {
      const res = await fetch(`${t.url}/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
      await res.arrayBuffer();
    }
    const js = await fetch(`${t.url}/${entry.file}`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    await js.arrayBuffer();
  });

  it('answers client routes with the app shell, but never /api/* nor missing assets', async () => {
    for (const path of ['/gallery', '/admin/users', '/jobs/abc', '/invite', '/jobs/new/image.upscale']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<div id="app">');
    }
    const api = await fetch(`${t.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect((await api.json()).message).toMatch(/No such page/);
    for (const missing of ['/assets/index-missing.js', '/favicon-missing.png']) {
      const asset = await fetch(`${t.url}${missing}`);
      expect(asset.status, missing).toBe(404);
      await asset.arrayBuffer();
    }
  });

  it('does not serve files outside dist', async () => {
    for (const path of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json']) {
      const res = await fetch(`${t.url}${path}`);
      const text = await res.text();
      expect(text, path).not.toContain('"@hearth/appliance"');
    }
  });

  it('keeps API routes working next to the catch-all', async () => {
    const res = await fetch(`${t.url}/api/session`);
    expect(res.status).toBe(200);
    expect((await res.json()).needsOnboarding).toBe(true);
  });
});

describe('the portal when it was not built', () => {
  let t: TestAppliance;
  let empty: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    empty = await tempDir('hearth-portal-empty-');
    t = await startTestAppliance({
      capabilities: () => [
        async (app) => {
          await app.register(portalPlugin, { distDir: empty.path });
        },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    await empty?.remove();
  });

  it('says how to build it instead of failing', async () => {
    for (const path of ['/', '/gallery']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status).toBe(503);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('npm run build');
      expect(html).not.toContain('<script');
    }
    const api = await fetch(`${t.url}/api/session`);
    expect(api.status).toBe(200);
    await api.arrayBuffer();
  });
});
