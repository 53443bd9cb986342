/**
 * The production runtime against the development path (tsx), in the same run.
 *   node --import tsx bench/runtime/run.ts   (BENCH_STARTS=5 BENCH_IDLE_S=60 BENCH_JOBS=1000 BENCH_UPLOADS=200)
 * 1. Appliance: spawn → first /readyz 200, median of BENCH_STARTS starts per path, alternated;
 *    RSS after BENCH_IDLE_S idle; RSS after BENCH_JOBS jobs and BENCH_UPLOADS media uploads
 *    (jobs run by an inline bee-queue worker on the real Redis, uploads moderated by it).
 * 2. Agent: RSS idle with no job yet; after a real ESRGAN ×2 upscale; after its model's idle unload
 *    (HEARTH_AGENT_MODEL_IDLE_MS=5000), against the idle figure. Agent figures include its child
 *    processes (the image process), so moving work out of the process cannot hide it.
 * 3. Installed size: `du` of the release's production install (appliance alone: the Pi; agent
 *    alone: the PC) against the full development install of this checkout.
 * The built side is the release (`npm run release`) installed with `npm ci --omit=dev`, as the
 * installers do; the anchor is `node --import tsx <service>/src/main.ts` in this checkout.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { buildRelease, freePort, installRelease, startMosquitto, startRedis, tempDir, waitFor } from '@hearth/testkit';
import { announceAgent, startInlineWorker } from '../../appliance/test/jobs-fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 200);
const PASSWORD = 'bench password 123';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]);
}

/** A process and its children (the agent's image process), as the PC's memory sees them. */
async function treeRssKb(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean).map(Number);
  const sizes = await Promise.all(children.map((c) => treeRssKb(c).catch(() => 0)));
  return (await rssKb(pid)) + sizes.reduce((a, b) => a + b, 0);
}

/** The process tree under `pid`, one line each (pid, RSS, command), for the log. */
async function describeTree(pid: number, depth = 0): Promise<string[]> {
  const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim().slice(0, 120);
  const lines = [`${'  '.repeat(depth)}${pid} ${mb(await rssKb(pid).catch(() => 0))} ${cmd}`];
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean).map(Number);
  for (const c of children) lines.push(...(await describeTree(c, depth + 1)));
  return lines;
}

interface Service {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function launch(args: string[], cwd: string, env: Record<string, string>): Service {
  let out = '';
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A browser stand-in: session cookie and CSRF token. */
function client(base: string) {
  let cookie = '';
  let csrf = '';
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const json = body !== undefined && !(body instanceof FormData);
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(cookie && { cookie }), ...(csrf && { 'x-csrf-token': csrf }), ...(json && { 'content-type': 'application/json' }), ...headers },
      body: json ? JSON.stringify(body) : (body as FormData | undefined),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('hearth_session='));
    if (set) cookie = set.split(';')[0]!;
    const text = await res.text();
    const parsed = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
    if (parsed?.csrfToken) csrf = parsed.csrfToken;
    return { status: res.status, json: parsed, text };
  };
}

const work = await tempDir('hearth-bench-runtime-');
const [redis, mosquitto] = await Promise.all([startRedis({ appendonly: false }), startMosquitto()]);
try {
  console.log('building the release and installing it with npm ci --omit=dev (local npm cache)…');
  const tarball = join(work.path, 'hearth.tar.gz');
  await buildRelease(tarball);
  const release = join(work.path, 'opt-hearth');
  await installRelease(tarball, release, ['appliance', 'gpu-agent']);

  const paths = {
    tsx: { cwd: ROOT, appliance: ['--import', 'tsx', 'appliance/src/main.ts'], agent: ['--import', 'tsx', 'gpu-agent/src/main.ts'] },
    built: { cwd: release, appliance: ['--max-semi-space-size=1', 'appliance/dist/main.js'], agent: ['--max-semi-space-size=1', 'gpu-agent/dist/main.js'] },
  } as const;
  type PathName = keyof typeof paths;
  let dataCount = 0;
  const applianceEnv = async (port: number) => ({
    HEARTH_PORT: String(port),
    HEARTH_HOST: '127.0.0.1',
    HEARTH_DATA_DIR: join(work.path, `data-${++dataCount}`),
    REDIS_URL: redis.url,
    MQTT_URL: mosquitto.url,
    LOG_LEVEL: 'warn',
    MALLOC_ARENA_MAX: '2',
  });

  async function startAppliance(path: PathName): Promise<{ service: Service; base: string; readyMs: number }> {
    const port = await freePort();
    const started = performance.now();
    const service = launch([...paths[path].appliance], paths[path].cwd, await applianceEnv(port));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (service.child.exitCode !== null) throw new Error(`the ${path} appliance exited:\n${service.output()}`);
        return (await fetch(`${base}/readyz`).catch(() => null))?.status === 200;
      },
      { timeoutMs: 120_000, intervalMs: 20, what: `${path} appliance ready` },
    );
    return { service, base, readyMs: performance.now() - started };
  }

  // 1a. Start to /readyz, alternated so both paths see the same load.
  const ready: Record<PathName, number[]> = { tsx: [], built: [] };
  for (let i = 0; i < STARTS; i++) {
    for (const path of ['tsx', 'built'] as const) {
      const a = await startAppliance(path);
      ready[path].push(a.readyMs);
      await a.service.stop();
    }
  }

  // 1b. Idle RSS, then RSS under load: both paths side by side.
  const running = { tsx: await startAppliance('tsx'), built: await startAppliance('built') };
  console.log(`idling ${IDLE_S} s…`);
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  const idleRss = { tsx: await rssKb(running.tsx.service.child.pid!), built: await rssKb(running.built.service.child.pid!) };

  const presence = await announceAgent(mosquitto.url, { agentId: 'bench-pc', capabilities: ['builtin', 'llm'] });
  const builtin = await startInlineWorker(redis.url, 'builtin', async () => ({ artifacts: [], data: { verdict: 'safe' } }), 4);
  const llm = await startInlineWorker(
    redis.url,
    'llm',
    async () => ({ artifacts: [], data: { panels: [{ index: 0, lines: [{ speaker: 'Ala', text: 'Hi' }] }] } }),
    8,
  );
  const loadedRss: Record<PathName, number> = { tsx: 0, built: 0 };
  for (const path of ['tsx', 'built'] as const) {
    const call = client(running[path].base);
    if ((await call('POST', '/api/onboarding', { username: 'mum', displayName: 'Mum', password: PASSWORD })).status !== 201)
      throw new Error('onboarding failed');
    const started = performance.now();
    for (let i = 0; i < UPLOADS; i++) {
      // Distinct pictures (~0.3 MB PNG each), so every upload is stored and moderated.
      const png = await sharp({ create: { width: 512, height: 384, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
        .png()
        .toBuffer();
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), `p${i}.png`);
      const res = await call('POST', '/api/media', form);
      if (res.status !== 201) throw new Error(`upload ${res.status} ${res.text}`);
      // The gallery's thumbnail, as a phone asks for it.
      const thumb = await call('GET', `/api/media/${res.json.id}/thumbnail?size=256`);
      if (thumb.status !== 200) throw new Error(`thumbnail ${thumb.status} ${thumb.text.slice(0, 200)}`);
    }
    const ids: string[] = [];
    const input = { characters: [{ name: 'Ala', description: 'a cat' }], panels: [{ description: 'hello', characters: ['Ala'] }] };
    for (let i = 0; i < JOBS; i++) {
      const res = await call('POST', '/api/jobs', { type: 'text.dialogue', input });
      if (res.status !== 201) throw new Error(`job ${res.status} ${res.text}`);
      ids.push(res.json.id);
    }
    await waitFor(
      async () => {
        const res = await call('GET', `/api/jobs/${ids.at(-1)}`);
        return res.json?.status === 'succeeded';
      },
      { timeoutMs: 600_000, intervalMs: 500, what: `${path}: the last job succeeded` },
    );
    loadedRss[path] = await rssKb(running[path].service.child.pid!);
    console.log(`  ${path}: ${UPLOADS} uploads and ${JOBS} jobs in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await Promise.all([builtin.close(), llm.close(), presence.close()]);

  // 2. The agent: idle, after an upscale, after the idle unload.
  const call = client(running.built.base);
  await call('POST', '/api/auth/login', { username: 'mum', password: PASSWORD });
  const agentRss: Record<PathName, { idle: number; afterJob: number; unloaded: number }> = {
    tsx: { idle: 0, afterJob: 0, unloaded: 0 },
    built: { idle: 0, afterJob: 0, unloaded: 0 },
  };
  for (const path of ['tsx', 'built'] as const) {
    const device = await call('POST', '/api/admin/devices', { kind: 'agent', name: `bench ${path}` });
    if (device.status !== 201) throw new Error(`device ${device.status} ${device.text}`);
    const data = join(work.path, `agent-${path}`);
    const agent = launch([...paths[path].agent], paths[path].cwd, {
      AGENT_ID: `bench-${path}`,
      MQTT_URL: mosquitto.url,
      REDIS_URL: redis.url,
      APPLIANCE_URL: running.built.base,
      AGENT_TOKEN: device.json.token,
      AGENT_DATA_DIR: data,
      NVIDIA_SMI: join(data, 'no-nvidia-smi'),
      HA_ANNOUNCE_JITTER_MS: '0',
      SUSPEND_COMMAND: 'false',
      HEARTH_AGENT_MODEL_IDLE_MS: '5000',
      MALLOC_ARENA_MAX: '2',
      LOG_LEVEL: 'warn',
    });
    try {
      await new Promise((r) => setTimeout(r, 20_000)); // started, announced, settled
      agentRss[path].idle = await treeRssKb(agent.child.pid!);
      const png = await sharp({ create: { width: 256, height: 192, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
        .png()
        .toBuffer();
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'photo.png');
      const media = await call('POST', '/api/media', form);
      const job = await call('POST', '/api/jobs', { type: 'image.upscale', input: { mediaId: media.json.id, scale: 2 } });
      await waitFor(async () => (await call('GET', `/api/jobs/${job.json.id}`)).json?.status === 'succeeded', {
        timeoutMs: 300_000,
        intervalMs: 250,
        what: `${path} upscale`,
      });
      agentRss[path].afterJob = await treeRssKb(agent.child.pid!);
      console.log(`  ${path} agent right after the job:\n    ${(await describeTree(agent.child.pid!)).join('\n    ')}`);
      // The model's worker goes 5 s after the job; give the allocator a moment to hand pages back.
      await new Promise((r) => setTimeout(r, 15_000));
      agentRss[path].unloaded = await treeRssKb(agent.child.pid!);
      console.log(`  ${path} agent after the idle unload:\n    ${(await describeTree(agent.child.pid!)).join('\n    ')}`);
    } finally {
      await agent.stop();
    }
  }
  await running.tsx.service.stop();
  await running.built.service.stop();

  // 3. Installed size.
  const du = (dir: string) => Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]);
  const sizes: Record<string, number> = {};
  for (const ws of ['appliance', 'gpu-agent']) {
    const dir = join(work.path, `only-${ws}`);
    await installRelease(tarball, dir, [ws]);
    sizes[ws] = du(dir);
  }
  const full = du(join(ROOT, 'node_modules')) + du(join(ROOT, 'appliance/node_modules'));

  const line = (name: string, tsx: string, built: string, r: string) => console.log(`| ${name} | ${tsx} | ${built} | ${r} |`);
  console.log(
    `\nmachine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} CPUs, load average ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')}, Node ${process.versions.node}`,
  );
  console.log('| figure | tsx (anchor) | built | built ÷ tsx |\n|---|---|---|---|');
  line(
    `appliance start → /readyz (median of ${STARTS})`,
    `${(median(ready.tsx) / 1000).toFixed(2)} s`,
    `${(median(ready.built) / 1000).toFixed(2)} s`,
    ratio(median(ready.built), median(ready.tsx)),
  );
  line(`appliance RSS after ${IDLE_S} s idle`, mb(idleRss.tsx), mb(idleRss.built), ratio(idleRss.built, idleRss.tsx));
  line(`appliance RSS after ${JOBS} jobs + ${UPLOADS} uploads`, mb(loadedRss.tsx), mb(loadedRss.built), ratio(loadedRss.built, loadedRss.tsx));
  line('agent RSS idle, no job yet', mb(agentRss.tsx.idle), mb(agentRss.built.idle), ratio(agentRss.built.idle, agentRss.tsx.idle));
  line(
    'agent RSS right after an ESRGAN ×2 upscale',
    mb(agentRss.tsx.afterJob),
    mb(agentRss.built.afterJob),
    ratio(agentRss.built.afterJob, agentRss.tsx.afterJob),
  );
  line('agent RSS after the idle unload', mb(agentRss.tsx.unloaded), mb(agentRss.built.unloaded), ratio(agentRss.built.unloaded, agentRss.tsx.unloaded));
  console.log(`agent after unload vs idle (built): ${(((agentRss.built.unloaded - agentRss.built.idle) / agentRss.built.idle) * 100).toFixed(0)} %`);
  console.log(
    `\ninstalled size: full development install ${mb(full)}; production install of the release: appliance ${mb(sizes.appliance!)} (${ratio(sizes.appliance!, full)}), gpu-agent ${mb(sizes['gpu-agent']!)} (${ratio(sizes['gpu-agent']!, full)})`,
  );
  console.log(`starts (s): tsx ${ready.tsx.map((m) => (m / 1000).toFixed(2)).join(' ')}; built ${ready.built.map((m) => (m / 1000).toFixed(2)).join(' ')}`);
} finally {
  await Promise.all([redis.close(), mosquitto.close()]);
  await work.remove();
}
