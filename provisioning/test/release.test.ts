/**
 * The production runtime as the installers lay it down: `npm run release`, unpacked, with
 * `npm ci --omit=dev` for the appliance and the agent (from the local npm cache), and nothing
 * else. The appliance and the agent run from their bundles with that install only: /readyz, a
 * real ESRGAN upscale end to end, the backup CLI, and a clean stop. A telemetry-only agent must
 * never load TensorFlow.js (seen through a module-load hook in every thread).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRelease,
  freePort,
  installRelease,
  startMosquitto,
  startRedis,
  tempDir,
  waitFor,
  type MosquittoInstance,
  type RedisInstance,
} from '@hearth/testkit';
import { runProgram } from './support.js';

// (@types/node does come along: mqtt and tfjs-data list type packages among their dependencies.)
const DEV_ONLY = ['tsx', 'vitest', 'esbuild', 'vite', 'playwright-core', '@preact/preset-vite', 'axe-core'];
const PASSWORD = 'a long family password';

let work: { path: string; remove(): Promise<void> };
let app: string; // the unpacked release, installed
let redis: RedisInstance;
let mosquitto: MosquittoInstance;

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function node(args: string[], env: Record<string, string>): Proc {
  let out = '';
  const child = spawn(process.execPath, args, {
    cwd: app,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

async function stop(p: Proc) {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  return p.exited;
}

/** A `--import` preload whose hook writes the URL of every module loaded, in every thread. */
async function moduleLog(dir: string): Promise<{ args: string[]; read(): Promise<string[]> }> {
  const log = join(dir, 'modules.log');
  await writeFile(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }
`,
  );
  await writeFile(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});
`,
  );
  return {
    args: ['--import', pathToFileURL(join(dir, 'register.mjs')).href],
    read: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean),
  };
}

beforeAll(async () => {
  work = await tempDir('hearth-release-test-');
  const tarball = join(work.path, 'hearth.tar.gz');
  await buildRelease(tarball);
  app = join(work.path, 'opt-hearth');
  await installRelease(tarball, app, ['appliance', 'gpu-agent']);
  [redis, mosquitto] = await Promise.all([startRedis(), startMosquitto()]);
}, 600_000);

afterAll(async () => {
  await Promise.all([redis?.close(), mosquitto?.close()]);
  await work?.remove();
});

describe('the release, installed with production dependencies only', { timeout: 300_000 }, () => {
  it('holds the bundles and no development tools or TypeScript sources', async () => {
    for (const pkg of DEV_ONLY) expect(await stat(join(app, 'node_modules', pkg)).catch(() => null), pkg).toBeNull();
    // TypeScript: only as node-llama-cpp's optional peer, which npm keeps because the root's dev
    // dependency satisfies it (the lock marks it devOptional); the appliance's install has none.
    const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { devOptional?: boolean; dev?: boolean }> };
    const ts = lock.packages['node_modules/typescript'];
    if (await stat(join(app, 'node_modules', 'typescript')).catch(() => null)) expect(ts?.devOptional, 'typescript kept only as an optional peer').toBe(true);
    for (const file of [
      'appliance/dist/main.js',
      'appliance/dist/backup-cli.js',
      'gpu-agent/dist/main.js',
      'gpu-agent/dist/tfjs-worker.js',
      'appliance/web/dist/index.html',
      'kiosk/dist/index.html',
    ]) {
      expect((await stat(join(app, file))).isFile(), file).toBe(true);
    }
    expect(await stat(join(app, 'appliance/src')).catch(() => null)).toBeNull();
    // What the Pi installer reads from the tree it runs in (an unpacked release is one).
    for (const file of [
      'provisioning/Caddyfile',
      'provisioning/pi/caddy.sh',
      'systemd/caddy.service.d/hearth.conf',
      'provisioning/caddy/compose-entrypoint.sh',
    ]) {
      expect((await stat(join(app, file))).isFile(), file).toBe(true);
    }
    // The Pi's appliance install carries no TensorFlow.js: only the agent's workspace asks for it.
    expect(JSON.parse(await readFile(join(app, 'appliance/package.json'), 'utf8')).dependencies).not.toHaveProperty('@tensorflow/tfjs');
  });

  it('the appliance and the agent start from dist, pass /readyz, upscale a photo end to end and stop cleanly', async () => {
    const port = await freePort();
    const data = join(work.path, 'data');
    const appliance = node(['--max-semi-space-size=1', 'appliance/dist/main.js'], {
      HEARTH_PORT: String(port),
      HEARTH_HOST: '127.0.0.1',
      HEARTH_DATA_DIR: data,
      REDIS_URL: redis.url,
      MQTT_URL: mosquitto.url,
      LOG_LEVEL: 'warn',
    });
    const base = `http://127.0.0.1:${port}`;
    let agent: Proc | undefined;
    try {
      await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200 || appliance.child.exitCode !== null, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'the built appliance ready',
      });
      expect(appliance.child.exitCode, appliance.output()).toBeNull();
      // The portal and the kiosk are served from their builds in the release.
      expect((await fetch(`${base}/`)).status).toBe(200);

      let cookie = '';
      let csrf = '';
      const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
        const json = body !== undefined && !(body instanceof FormData);
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { ...(cookie && { cookie }), ...(csrf && { 'x-csrf-token': csrf }), ...(json && { 'content-type': 'application/json' }), ...headers },
          body: json ? JSON.stringify(body) : (body as FormData | undefined),
        });
        const set = res.headers.getSetCookie().find((c) => c.startsWith('hearth_session='));
        if (set) cookie = set.split(';')[0]!;
        const text = await res.text();
        const parsed = text ? JSON.parse(text) : undefined;
        if (parsed?.csrfToken) csrf = parsed.csrfToken;
        return { status: res.status, json: parsed, text };
      };
      expect((await call('POST', '/api/onboarding', { username: 'mum', displayName: 'Mum', password: PASSWORD })).status).toBe(201);
      const device = await call('POST', '/api/admin/devices', { kind: 'agent', name: 'release pc' });
      expect(device.status, device.text).toBe(201);
      const photo = await sharp({ create: { width: 48, height: 40, channels: 3, background: '#3a7' } })
        .png()
        .toBuffer();
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'photo.png');
      const media = await call('POST', '/api/media', form);
      expect(media.status, media.text).toBe(201);

      const agentData = join(work.path, 'agent');
      agent = node(['--max-semi-space-size=1', 'gpu-agent/dist/main.js'], {
        AGENT_ID: 'release-pc',
        MQTT_URL: mosquitto.url,
        REDIS_URL: redis.url,
        APPLIANCE_URL: base,
        AGENT_TOKEN: device.json.token,
        AGENT_DATA_DIR: agentData,
        NVIDIA_SMI: join(agentData, 'no-nvidia-smi'),
        HA_ANNOUNCE_JITTER_MS: '0',
        SUSPEND_COMMAND: 'false',
      });
      // Accepted once the agent has announced itself (before that: 409, no computer for it).
      const job = await waitFor(
        async () => {
          const res = await call('POST', '/api/jobs', { type: 'image.upscale', input: { mediaId: media.json.id, scale: 2 } });
          if (res.status === 409 && res.json?.code === 'capability.none.builtin') return null;
          expect(res.status, res.text).toBe(201);
          return res;
        },
        { timeoutMs: 60_000, intervalMs: 250, what: 'the built agent online and the job accepted' },
      );
      const done = await waitFor(
        async () => {
          const j = (await call('GET', `/api/jobs/${job.json.id}`)).json;
          if (j.status === 'failed') throw new Error(`the job failed: ${JSON.stringify(j.error)}\n${agent!.output()}`);
          return j.status === 'succeeded' ? j : null;
        },
        { timeoutMs: 180_000, intervalMs: 250, what: 'the upscale job succeeded' },
      );
      const out = await fetch(`${base}/api/media/${done.result.mediaIds[0]}`, { headers: { cookie } });
      const meta = await sharp(Buffer.from(await out.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([96, 80]);

      expect(await stop(agent), agent.output()).toEqual({ code: 0, signal: null });
      expect(await stop(appliance), appliance.output()).toEqual({ code: 0, signal: null });

      // The nightly backup runs from the build too, on the data the appliance left.
      const dest = join(work.path, 'backups');
      const backup = await runProgram(process.execPath, ['appliance/dist/backup-cli.js', 'backup', '--data-dir', data, '--dest', dest], { cwd: app });
      expect(backup.code, backup.stdout + backup.stderr).toBe(0);
      const list = await runProgram(process.execPath, ['appliance/dist/backup-cli.js', 'list', '--dest', dest, '--verify'], { cwd: app });
      expect(list.code, list.stdout + list.stderr).toBe(0);
      expect(list.stdout).toMatch(/ verified$/m);
    } finally {
      if (agent) await stop(agent);
      await stop(appliance);
    }
  });

  it('an agent serving telemetry only never loads TensorFlow.js, nsfwjs or sharp', async () => {
    const dir = join(work.path, 'telemetry-only');
    await mkdir(dir);
    const modules = await moduleLog(dir);
    const metricsPort = await freePort();
    const agent = node([...modules.args, 'gpu-agent/dist/main.js'], {
      AGENT_ID: 'telemetry-only',
      MQTT_URL: mosquitto.url,
      AGENT_DATA_DIR: dir,
      NVIDIA_SMI: join(dir, 'no-nvidia-smi'),
      HA_ANNOUNCE_JITTER_MS: '0',
      HEARTH_AGENT_METRICS_PORT: String(metricsPort),
      SUSPEND_COMMAND: 'false',
    });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`).catch(() => null))?.ok || agent.child.exitCode !== null, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'the telemetry-only agent up',
      });
      expect(agent.child.exitCode, agent.output()).toBeNull();
      // It has announced itself (the inventory worker ran): the start is over, not still under way.
      await waitFor(async () => (await modules.read()).some((u) => u.endsWith('/inventory-worker.js')), {
        timeoutMs: 30_000,
        what: 'the inventory worker loaded',
      });
      const loaded = await modules.read();
      expect(loaded.some((u) => u.endsWith('/gpu-agent/dist/main.js'))).toBe(true);
      expect(loaded.filter((u) => /@tensorflow|nsfwjs|\/sharp\/|tfjs-worker/.test(u))).toEqual([]);
    } finally {
      expect(await stop(agent), agent.output()).toEqual({ code: 0, signal: null });
    }
  });
});
