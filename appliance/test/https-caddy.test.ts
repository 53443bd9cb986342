import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from '@hearth/testkit';
import type { Browser } from 'playwright-core';
import { HUB_CA_DOWNLOAD_PATH } from '@hearth/protocol/plain';
import { ensurePortalBuilt } from './portal-support/build.js';
import { DESKTOP, launchChromium, PHONE, screenshot, seriousViolations, watch } from './portal-support/browser.js';
import { loginInBrowser } from './portal-support/flows.js';
import { startTestAppliance, TEST_PASSWORD, type TestAppliance } from './support/harness.js';

const CADDYFILE = fileURLToPath(new URL('../../provisioning/Caddyfile', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('../../kiosk/launcher/hearth-kiosk.sh', import.meta.url));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

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
  let browser: Browser | undefined;

  const https = (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: httpsPort, method, path, ca, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    await ensurePortalBuilt();
    dir = await tempDir('hearth-caddy-');
    // The appliance offers Caddy's own root certificate (the installer points it at a copy).
    t = await startTestAppliance({ product: true, config: { trustProxy: 1, hubCaCert: `${dir.path}/pki/authorities/local/root.crt` } });
    [httpsPort, httpPort] = [await freePort(), await freePort()];
    caddy = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', CADDYFILE], {
      env: {
        ...process.env,
        HOME: dir.path,
        XDG_CONFIG_HOME: dir.path,
        XDG_DATA_HOME: dir.path,
        HEARTH_HTTP_PORT: String(httpPort),
        HEARTH_HTTPS_PORT: String(httpsPort),
        HEARTH_CADDY_DATA: dir.path,
        HEARTH_LAN_IP: '127.0.0.1',
        HEARTH_UPSTREAM: new URL(t.url).host,
        HEARTH_CADDY_SITES: `${dir.path}/sites`,
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
    await browser?.close();
    caddy?.kill('SIGTERM');
    await t?.close();
    await dir?.remove();
  });

  it('redirects HTTP to HTTPS', async () => {
    const res = await new Promise<Answer>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: httpPort, path: '/gallery', headers: { host: '127.0.0.1' } }, (r) => {
        r.resume();
        resolve({ status: r.statusCode ?? 0, headers: r.headers, body: '' });
      })
        .on('error', reject)
        .end();
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
    const onboard = await https(
      'POST',
      '/api/onboarding',
      { 'x-forwarded-for': '203.0.113.9' },
      JSON.stringify({ username: 'admin', displayName: 'Admin', password: TEST_PASSWORD }),
    );
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
        if (!/text\/event-stream/.test(String(res.headers['content-type'])))
          reject(new Error(`not an event stream: ${res.statusCode} ${res.headers['content-type']}`));
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

  it('serves the root certificate over plain HTTP, without the redirect, for phones that do not trust the hub yet', async () => {
    const res = await new Promise<Answer>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: httpPort, path: HUB_CA_DOWNLOAD_PATH, headers: { host: '127.0.0.1' } }, (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }));
      })
        .on('error', reject)
        .end();
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(new X509Certificate(res.body).fingerprint256).toBe(new X509Certificate(ca).fingerprint256);
  });

  it('Admin → Devices in Chromium that trusts the hub the way the kiosk does: QR code, fingerprint and the certificate download', async () => {
    // The kiosk launcher puts the CA into this HOME's NSS database; Chromium then trusts the hub.
    const home = `${dir.path}/chromium-home`;
    const prepared = await runLauncher(home, `${dir.path}/pki/authorities/local/root.crt`);
    expect(prepared.code, prepared.stderr).toBe(0);
    browser = await launchChromium({ env: { ...process.env, HOME: home } });
    const origin = `https://127.0.0.1:${httpsPort}`;
    const fingerprint = new X509Certificate(ca).fingerprint256;
    for (const [locale, viewport, heading, download] of [
      ['en-GB', DESKTOP, 'Trust this hub on your phone', 'Download the certificate'],
      ['pl-PL', DESKTOP, 'Zaufaj temu hubowi na telefonie', 'Pobierz certyfikat'],
      ['en-GB', PHONE, 'Trust this hub on your phone', 'Download the certificate'],
    ] as const) {
      const context = await browser.newContext({ viewport, locale, acceptDownloads: true });
      const page = await context.newPage();
      const seen = watch(page);
      page.setDefaultTimeout(20_000);
      // No certificate error: goto would throw net::ERR_CERT_AUTHORITY_INVALID.
      if (locale === 'pl-PL') {
        await page.goto(`${origin}/`);
        await page.getByLabel('Nazwa użytkownika').fill('admin');
        await page.getByLabel('Hasło').fill(TEST_PASSWORD);
        await page.getByRole('button', { name: 'Zaloguj' }).click();
        await page.getByRole('heading', { name: /^Cześć, / }).waitFor();
      } else {
        await loginInBrowser(page, origin, 'admin', TEST_PASSWORD);
      }
      await page.goto(`${origin}/admin/devices`);
      const card = page.locator('section.card', { has: page.getByRole('heading', { name: heading, level: 2 }) });
      await card.waitFor();
      // The QR code names where a phone gets the certificate (this page's origin: Caddy is not on port 443 here).
      const qr = card.getByRole('img', { name: new RegExp(`${`${origin}${HUB_CA_DOWNLOAD_PATH}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
      await qr.waitFor();
      expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(await card.locator('code.fingerprint').textContent()).toBe(fingerprint);
      const [file] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: download }).click()]);
      expect(file.suggestedFilename()).toBe('hearth-ca.crt');
      expect(new X509Certificate(await readFile(await file.path(), 'utf8')).fingerprint256).toBe(fingerprint);
      await card.locator('details').nth(1).locator('summary').click();
      expect(await seriousViolations(page)).toEqual([]);
      expect(seen.errors).toEqual([]);
      await screenshot(page, `trust-hub-${locale}-${viewport.width}`);
      await context.close();
    }
  }, 180_000);
});

/** The kiosk launcher's --prepare with HOME (its NSS database) and the CA to trust. */
function runLauncher(home: string, caPath: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(LAUNCHER, ['--prepare'], {
      env: { ...process.env, HOME: home, HEARTH_KIOSK_HOME: home, HEARTH_KIOSK_CA: caPath },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}
