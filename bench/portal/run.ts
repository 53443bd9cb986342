/**
 * Portal weight and first paint.
 *   node --import tsx bench/portal/run.ts        (RUNS=7 page loads per case by default)
 * 1. Builds the portal with Vite and sums the gzip size of the JS the entry needs before it can
 *    render (the entry chunk and its static imports, from the Vite manifest; CSS reported apart).
 * 2. Anchor, same run: Home Assistant's own frontend, the `home-assistant-frontend` wheel pinned by
 *    homeassistant 2024.3.3 — the JS its index.html loads up front (core + app in frontend_latest),
 *    gzipped the same way. Taken from the HA venv (ha-integration/scripts/ha-venv.sh) if there is one,
 *    else the wheel is fetched with `pip download` into a temp dir.
 * 3. First contentful paint of the portal in the machine's Chromium with the CPU throttled 4×
 *    (CDP Emulation.setCPUThrottlingRate), cold cache, served by a real appliance on localhost:
 *    the login page, and Home for a signed-in member.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { startMosquitto, startRedis, tempDir } from '@hearth/testkit';
import { startAppliance } from '../../appliance/src/server.js';
import { productCapabilities } from '../../appliance/src/capabilities.js';
import type { ApplianceConfig } from '../../appliance/src/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'appliance/web/dist');
const HA_FRONTEND_VERSION = '20240307.0'; // home-assistant-frontend pinned by homeassistant==2024.3.3
const RUNS = Number(process.env.RUNS ?? 7);
const THROTTLE = 4;
const PASSWORD = 'bench password 123';

const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
  isEntry?: boolean;
}

/** The entry's JS and everything it imports statically: what must arrive before the first render. */
function initialJs(): { js: number; jsGzip: number; cssGzip: number; files: string[] } {
  const manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.entries(manifest).find(([, c]) => c.isEntry);
  if (!entry) throw new Error('no entry in the Vite manifest');
  const seen = new Set<string>();
  const walk = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const i of manifest[key]?.imports ?? []) walk(i);
  };
  walk(entry[0]);
  const files = [...seen].map((k) => manifest[k]!.file);
  const css = [...seen].flatMap((k) => manifest[k]!.css ?? []);
  const read = (f: string) => readFileSync(join(DIST, f));
  return {
    js: files.reduce((n, f) => n + read(f).length, 0),
    jsGzip: files.reduce((n, f) => n + gz(read(f)), 0),
    cssGzip: css.reduce((n, f) => n + gz(read(f)), 0),
    files,
  };
}

/** hass_frontend from the cached HA venv, or from the pinned wheel downloaded for this run. */
async function haFrontendDir(): Promise<{ dir: string; source: string; cleanup(): Promise<void> }> {
  const cache = join(homedir(), '.cache/hearth');
  const venv = existsSync(cache)
    ? readdirSync(cache).find((d) => d.startsWith('ha-venv-') && existsSync(join(cache, d, 'lib/python3.11/site-packages/hass_frontend')))
    : undefined;
  if (venv) {
    const site = join(cache, venv, 'lib/python3.11/site-packages');
    const version = readdirSync(site)
      .find((d) => d.startsWith('home_assistant_frontend-'))
      ?.replace(/^home_assistant_frontend-|\.dist-info$/g, '');
    return { dir: join(site, 'hass_frontend'), source: `HA venv ${venv} (home-assistant-frontend ${version})`, cleanup: async () => undefined };
  }
  const tmp = await mkdtemp(join(tmpdir(), 'hearth-ha-frontend-'));
  execFileSync('python3', ['-m', 'pip', 'download', `home-assistant-frontend==${HA_FRONTEND_VERSION}`, '--no-deps', '--only-binary=:all:', '-d', tmp], {
    stdio: 'inherit',
  });
  const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'))!;
  execFileSync('python3', ['-m', 'zipfile', '-e', join(tmp, wheel), join(tmp, 'x')]);
  return {
    dir: join(tmp, 'x/hass_frontend'),
    source: `pip download home-assistant-frontend==${HA_FRONTEND_VERSION}`,
    cleanup: () => rm(tmp, { recursive: true, force: true }),
  };
}

/** The modern-browser bundles HA's index.html loads before anything shows (its modulepreload list). */
function haEntry(dir: string): { files: string[]; js: number; jsGzip: number } {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...new Set([...html.matchAll(/\/frontend_latest\/((?:core|app)\.[\w-]+\.js)/g)].map((m) => m[1]!))];
  if (files.length === 0) throw new Error('could not find core/app bundles in hass_frontend/index.html');
  const read = (f: string) => readFileSync(join(dir, 'frontend_latest', f));
  return { files, js: files.reduce((n, f) => n + read(f).length, 0), jsGzip: files.reduce((n, f) => n + gz(read(f)), 0) };
}

async function firstContentfulPaint(browser: Browser, url: string, cookie?: { name: string; value: string }): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  try {
    if (cookie) await context.addCookies([{ ...cookie, url }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('main h1').first().waitFor();
    return await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const found = performance.getEntriesByName('first-contentful-paint')[0];
          if (found) return resolve(found.startTime);
          new PerformanceObserver((list) => resolve(list.getEntries()[0]!.startTime)).observe({ type: 'paint', buffered: true });
        }),
    );
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  await build({ configFile: join(ROOT, 'appliance/vite.config.ts'), logLevel: 'warn' });
  const ours = initialJs();
  const ha = await haFrontendDir();
  const anchor = haEntry(ha.dir);
  await ha.cleanup();

  const [redis, mosquitto, data] = await Promise.all([startRedis(), startMosquitto(), tempDir('hearth-bench-portal-')]);
  const config: ApplianceConfig = {
    host: '127.0.0.1',
    port: 0,
    dataDir: data.path,
    redisUrl: redis.url,
    mqttUrl: mosquitto.url,
    trustProxy: false,
    publicUrl: undefined,
    logLevel: 'silent',
  };
  const running = await startAppliance(config, { capabilities: (c, log) => productCapabilities(config, c, log) });
  let browser: Browser | undefined;
  try {
    const onboard = await fetch(`${running.url}/api/onboarding`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', displayName: 'Admin', password: PASSWORD }),
    });
    const session = /hearth_session=([^;]+)/.exec(onboard.headers.get('set-cookie') ?? '')?.[1];
    if (onboard.status !== 201 || !session) throw new Error(`onboarding failed: ${onboard.status}`);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    await firstContentfulPaint(browser, `${running.url}/`); // warm the server's file cache
    const login: number[] = [];
    const home: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      login.push(await firstContentfulPaint(browser, `${running.url}/`));
      home.push(await firstContentfulPaint(browser, `${running.url}/`, { name: 'hearth_session', value: session }));
    }

    console.log(
      `Portal initial JS: ${ours.files.join(' + ')} = ${kb(ours.js)} raw, ${kb(ours.jsGzip)} gzip (budget 80 KB: ${ours.jsGzip <= 80 * 1024 ? 'within' : 'OVER'}); CSS ${kb(ours.cssGzip)} gzip`,
    );
    console.log(`Anchor, Home Assistant frontend entry (${ha.source}): ${anchor.files.join(' + ')} = ${kb(anchor.js)} raw, ${kb(anchor.jsGzip)} gzip`);
    console.log(`Ratio: HA entry JS / portal initial JS (gzip) = ${(anchor.jsGzip / ours.jsGzip).toFixed(1)}×`);
    console.log(
      `FCP, Chromium CPU ×${THROTTLE}, cold cache, localhost, median of ${RUNS}: login ${median(login).toFixed(0)} ms [${login.map((x) => x.toFixed(0)).join(', ')}], signed-in Home ${median(home).toFixed(0)} ms [${home.map((x) => x.toFixed(0)).join(', ')}]`,
    );
  } finally {
    await browser?.close();
    await running.stop();
    await Promise.all([redis.close(), mosquitto.close()]);
    await data.remove();
  }
}

await main();
