import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINCIPAL_NAMES, type PrincipalName } from '@hearth/protocol';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { SettingsStore } from '../src/settings/settings-store.js';
import { tempDir } from '@hearth/testkit';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';
import { HttpClient } from './support/http-client.js';

/**
 * Every route × every principal, walked from the server's own route table: a route added without
 * the right rule shows up here, and a route without any rule stops the server from starting.
 */
let t: TestAppliance;
const sessionUsers: Record<string, { username: string }> = {};
const deviceTokens: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestAppliance({ product: true });
  const admin = await t.admin();
  sessionUsers.admin = { username: 'admin' };
  for (const role of ['member', 'child'] as const) {
    await t.user(admin, role, `matrix-${role}`);
    sessionUsers[role] = { username: `matrix-${role}` };
  }
  for (const kind of ['kiosk', 'agent', 'home-assistant'] as const) {
    const res = await admin.post('/api/admin/devices', { kind, name: `matrix ${kind}` });
    deviceTokens[kind] = res.json.token;
  }
});
afterAll(() => t?.close());

async function clientFor(name: PrincipalName): Promise<HttpClient> {
  if (name === 'anonymous') return t.client();
  if (deviceTokens[name]) return HttpClient.device(t.url, deviceTokens[name]!);
  const c = t.client();
  const res = await c.post('/api/auth/login', { username: sessionUsers[name]!.username, password: TEST_PASSWORD });
  if (res.status !== 200) throw new Error(`login as ${name} failed: ${res.status}`);
  return c;
}

/** Status of one request, without waiting for the body (some routes stream forever). */
async function statusOf(c: HttpClient, method: string, path: string): Promise<number> {
  const headers: Record<string, string> = {};
  if (c.cookie) headers.cookie = c.cookie;
  if (c.csrf) headers['x-csrf-token'] = c.csrf;
  if (c.bearer) headers.authorization = `Bearer ${c.bearer}`;
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(method);
  if (hasBody) headers['content-type'] = 'application/json';
  const ac = new AbortController();
  const res = await fetch(new URL(path, t.url), { method, headers, body: hasBody ? '{}' : undefined, signal: ac.signal, redirect: 'manual' });
  ac.abort();
  return res.status;
}

const concrete = (url: string) =>
  url.replace(/:([A-Za-z]+)/g, (_, p: string) => (p === 'id' ? '999999' : p === 'mediaId' ? 'a'.repeat(64) : 'x')).replace('*', 'x');

describe('route × principal access matrix', () => {
  it('has an access rule for every route and enforces it for every principal', async () => {
    const routes = t.running.app.routeTable.filter((r) => r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const name of PRINCIPAL_NAMES) {
      let c = await clientFor(name);
      for (const route of routes) {
        const path = concrete(route.url);
        const allowed = route.access === 'public' || route.access.includes(name);
        const status = await statusOf(c, route.method, path);
        const denied = status === 401 || status === 403;
        if (allowed && denied) failures.push(`${name} should reach ${route.method} ${route.url} but got ${status}`);
        if (!allowed && !denied) failures.push(`${name} must be refused ${route.method} ${route.url} but got ${status}`);
        if (!allowed && name === 'anonymous' && status !== 401) failures.push(`anonymous should get 401 on ${route.method} ${route.url}, got ${status}`);
        // Logging out or deleting ends the session; start a fresh one for the next route.
        if (route.method !== 'GET' && c.cookie) c = await clientFor(name);
      }
    }
    expect(failures).toEqual([]);
    // Every route for every principal, with a fresh login after each change: well past vitest's
    // default 30 s on a loaded machine as the route table grows.
  }, 180_000);

  it('refuses to start when a route has no access rule', async () => {
    const dir = await tempDir();
    const db = openDatabase(`${dir.path}/hearth.db`);
    try {
      const settings = await SettingsStore.open(`${dir.path}/settings.json`);
      const attempt = buildApp({
        db,
        settings,
        version: 'test',
        capabilities: [
          async (app) => {
            app.get('/api/forgotten', async () => 'oops');
          },
        ],
      });
      await expect(attempt).rejects.toThrow(/has no access rule/);
    } finally {
      db.close();
      await dir.remove();
    }
  });

  it('gives a member 403 on every admin route', async () => {
    const member = await clientFor('member');
    const adminRoutes = t.running.app.routeTable.filter((r) => r.url.startsWith('/api/admin/'));
    expect(adminRoutes.length).toBeGreaterThan(5);
    for (const r of adminRoutes) expect([r.method, r.url, await statusOf(member, r.method, concrete(r.url))]).toEqual([r.method, r.url, 403]);
  });
});
