import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from '@hearth/testkit';
import { ensurePortalBuilt } from './portal-support/build.js';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';

const CADDYFILE = fileURLToPath(new URL('../../provisioning/Caddyfile', import.meta.url));

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** The real Caddy (Debian package) from provisioning/Caddyfile in front of a real appliance trusting one hop. */
describe('HTTPS through Caddy (provisioning/Caddyfile)', () => {
  let t: TestAppliance;
  let caddy: ChildProcess;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let httpsPort: number;
  let httpPort: number;
  let ca: string;
  /** The admin's session, from the onboarding test (tests run in order). */
  let session = '';

  const https = (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: httpsPort, method, path, ca, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    await ensurePortalBuilt();
    t = await startTestAppliance({ product: true, config: { trustProxy: 1 } });
    dir = await tempDir('hearth-caddy-');
    [httpsPort, httpPort] = [await freePort(), await freePort()];
    caddy = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', CADDYFILE], {
      env: {
        ...process.env, HOME: dir.path, XDG_CONFIG_HOME: dir.path, XDG_DATA_HOME: dir.path,
        HEARTH_HTTP_PORT: String(httpPort), HEARTH_HTTPS_PORT: String(httpsPort), HEARTH_CADDY_DATA: dir.path,
        HEARTH_LAN_IP: '127.0.0.1', HEARTH_UPSTREAM: new URL(t.url).host,
      },
      stdio: 'ignore',
    });
    // Caddy writes its root certificate when its CA starts, then serves the site certificate.
    await waitFor(
      async () => {
        ca = await readFile(`${dir.path}/pki/authorities/local/root.crt`, 'utf8');
        return (await https('GET', '/api/health')).status > 0;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'Caddy to serve HTTPS with its local CA' },
    );
  }, 120_000);
  afterAll(async () => {
    caddy?.kill('SIGTERM');
    await t?.close();
    await dir?.remove();
  });

  it('redirects HTTP to HTTPS', async () => {
    const res = await new Promise<Answer>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: httpPort, path: '/gallery', headers: { host: '127.0.0.1' } }, (r) => {
        r.resume();
        resolve({ status: r.statusCode ?? 0, headers: r.headers, body: '' });
      }).on('error', reject).end();
    });
    expect(res.status).toBeGreaterThanOrEqual(301);
    expect(res.status).toBeLessThanOrEqual(308);
    // Caddy names the standard port (443) in the redirect, as the Pi installs it.
    const to = new URL(String(res.headers.location));
    expect([to.protocol, to.hostname, to.pathname]).toEqual(['https:', '127.0.0.1', '/gallery']);
  });

  it('serves the installable portal over HTTPS', async () => {
    const page = await https('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('rel="manifest"');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect((await https('GET', '/sw.js')).body).toContain('offline.html');
  });

  it('serves the API over HTTPS with HSTS, a Secure session cookie, and the real client address despite a forged X-Forwarded-For', async () => {
    const onboard = await https('POST', '/api/onboarding', { 'x-forwarded-for': '203.0.113.9' }, JSON.stringify({ username: 'admin', displayName: 'Admin', password: TEST_PASSWORD }));
    expect(onboard.status).toBe(201);
    expect(onboard.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const cookie = ([] as string[]).concat(onboard.headers['set-cookie'] ?? []).find((c) => c.startsWith('hearth_session='));
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    session = cookie!.split(';')[0]!;
    const audit = await https('GET', '/api/admin/audit?action=onboarding.admin-created', { cookie: session });
    expect(audit.status).toBe(200);
    const [entry] = (JSON.parse(audit.body) as { entries: Array<{ ip: string | null }> }).entries;
    // Caddy saw 127.0.0.1 and replaced the forged header; the appliance trusts exactly that one hop.
    expect(entry?.ip).toBe('127.0.0.1');
  });

  it('streams server-sent events through the proxy as they are written', async () => {
    const first = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: httpsPort, path: '/api/events', ca, headers: { accept: 'text/event-stream', cookie: session } }, (res) => {
        if (!/text\/event-stream/.test(String(res.headers['content-type']))) reject(new Error(`not an event stream: ${res.statusCode} ${res.headers['content-type']}`));
        res.setEncoding('utf8');
        // The greeting arrives while the stream stays open: nothing buffered it until the end.
        res.once('data', (chunk: string) => {
          resolve(chunk);
          req.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(first).toMatch(/^(event|data|id|retry|:)/m);
  });
});
