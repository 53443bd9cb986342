/**
 * Jobs through Hearth's full path vs raw bee-queue, in the same run.
 *
 *   node --import tsx bench/broker/run.ts [jobs=500] [concurrency=8] [paced=200]
 *
 * Hearth: POST /api/jobs (session cookie, CSRF, validation, quota, SQLite row, audit, bee-queue add)
 * → an inline bee-queue worker that completes at once → the appliance hears `succeeded` and
 * marks the SQLite row. Anchor: createJob().save() on a plain bee-queue → the same worker →
 * the producer hears `succeeded`. Both on one private Redis with the same settings.
 *
 * Three processes, the same for both: the load (the HTTP clients, or the anchor's producer) in
 * load.ts, the agent stand-in in worker.ts, and the appliance here; so the client does not steal
 * the server's event loop and the worker does not share one with either. Throughput: N jobs with
 * `concurrency` in flight, timed from "go" until every job is finished (the producer heard it, or
 * the SQLite row says succeeded). Latency: `paced` jobs one at a time, submit → the worker takes
 * it, both read from CLOCK_MONOTONIC (the same clock in every process). For Hearth each paced
 * submission is also split into stages (diagnostics channels) to show where the time goes.
 */
import { fork } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import mqtt from 'mqtt';
import { Redis } from 'ioredis';
import { startMosquitto, startRedis, tempDir } from '@hearth/testkit';
import { agentTopics, queueName } from '@hearth/protocol';
import { startAppliance } from '../../appliance/src/server.js';
import { jobCapabilities } from '../../appliance/src/jobs/capabilities.js';
import { HttpClient } from '../../appliance/test/support/http-client.js';
import { clock, type FromLoad, type FromWorker, type ToLoad, type ToWorker } from './messages.js';

const N = Number(process.argv[2] ?? 500);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const PACED = Number(process.argv[4] ?? 200);

/** One paced job: submit began, reply came (load generator), worker started (worker), all on `clock()`. */
type Paced = { id: string; at: number; replied: number; started: number };
/** CPU time (ms) each process spent during the throughput phase. */
type Cpu = Record<'load' | 'appliance' | 'worker' | 'redis', number>;
type Result = { seconds: number; paced: Paced[]; cpu: Cpu };

/** CPU time so far of a process (utime + stime from /proc, Linux), in ms. */
async function cpuOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** Redis's own CPU time so far (INFO cpu), in ms. */
async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 'NaN');
  return (get('used_cpu_sys') + get('used_cpu_user')) * 1000;
}

/** Snapshot the CPU of all four processes; call the result again for the difference. */
async function cpuMeter(redis: Redis, load: number, worker: number): Promise<() => Promise<Cpu>> {
  const read = async () => ({ load: await cpuOf(load), worker: await cpuOf(worker), appliance: process.cpuUsage(), redis: await redisCpu(redis) });
  const before = await read();
  return async () => {
    const after = await read();
    const self = process.cpuUsage(before.appliance);
    return {
      load: after.load - before.load,
      worker: after.worker - before.worker,
      appliance: (self.user + self.system) / 1000,
      redis: after.redis - before.redis,
    };
  };
}

let probe: Redis | undefined;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** A forked helper with typed messages: `next(event)` resolves on its next message of that kind. */
function child<In, Out extends { event: string }>(file: string, args: string[] = []) {
  const proc = fork(new URL(file, import.meta.url), args, { execArgv: ['--import', 'tsx'] });
  const exited = new Promise<void>((resolve, reject) =>
    proc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`)))),
  );
  exited.catch(() => undefined);
  const next = <E extends Out['event']>(event: E) =>
    new Promise<Extract<Out, { event: E }>>((resolve, reject) => {
      const onMessage = (m: Out) => {
        if (m.event !== event) return;
        proc.off('message', onMessage);
        resolve(m as Extract<Out, { event: E }>);
      };
      proc.on('message', onMessage);
      exited.then(() => reject(new Error(`${file} ended before "${event}"`)), reject);
    });
  return { proc, send: (m: In) => proc.send(m as object), next, exited };
}

/**
 * The worker and the load generator, wired: in the paced phase the worker's start notices are
 * kept (their times) and relayed to the load generator, which then submits the next job.
 */
async function startPair(redisUrl: string, queue: string) {
  const worker = child<ToWorker, FromWorker>('./worker.ts', [redisUrl, queue, String(CONCURRENCY)]);
  await worker.next('ready');
  const load = child<ToLoad, FromLoad>('./load.ts');
  const starts = new Map<string, number>();
  worker.proc.on('message', (m: FromWorker) => {
    if (m.event !== 'started') return;
    starts.set(m.id, m.at);
    load.send({ cmd: 'started', id: m.id });
  });
  return {
    load,
    meter: () => cpuMeter(probe!, load.proc.pid!, worker.proc.pid!),
    /** Submit `PACED` jobs one at a time; returns their timings. */
    async paced(): Promise<Paced[]> {
      worker.send({ cmd: 'notify', on: true });
      const done = load.next('submits');
      load.send({ cmd: 'paced' });
      const { submits } = await done;
      return submits.map((s) => ({ ...s, started: starts.get(s.id)! }));
    },
    async close() {
      await load.exited;
      worker.send({ cmd: 'close' });
      await worker.exited;
    },
  };
}

async function raw(redisUrl: string): Promise<Result> {
  const name = 'bench:raw';
  const pair = await startPair(redisUrl, name);
  pair.load.send({ cmd: 'raw', redisUrl, queue: name, n: N, concurrency: CONCURRENCY, paced: PACED });
  await pair.load.next('ready');
  const meter = await pair.meter();
  const t0 = clock();
  const done = pair.load.next('done');
  pair.load.send({ cmd: 'go' });
  await done;
  const seconds = (clock() - t0) / 1000;
  const cpu = await meter();
  const paced = await pair.paced();
  await pair.close();
  return { seconds, paced, cpu };
}

/** Server-side times of one paced POST /api/jobs, on `clock()`. */
interface Stages {
  request: number;
  handler?: number;
  handlerEnd?: number;
  response?: number;
}

/** Follow each POST /api/jobs through Node's and Fastify's diagnostics channels (paced phase only). */
function traceStages(records: Stages[]): () => void {
  let current: Stages | undefined;
  const isSubmit = (r: { method?: string; url?: string }) => r.method === 'POST' && r.url === '/api/jobs';
  const onRequest = (m: unknown) => {
    const { request } = m as { request: { method?: string; url?: string } };
    if (isSubmit(request)) records.push((current = { request: clock() }));
  };
  const handler = dc.tracingChannel('fastify.request.handler');
  const hooks = {
    start: () => {
      if (current && current.handler === undefined) current.handler = clock();
    },
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: () => {
      if (current) current.handlerEnd = clock();
    },
    error: () => undefined,
  };
  const onResponse = (m: unknown) => {
    const { request } = m as { request: { method?: string; url?: string } };
    if (current && isSubmit(request)) current.response = clock();
  };
  dc.subscribe('http.server.request.start', onRequest);
  dc.subscribe('http.server.response.finish', onResponse);
  handler.subscribe(hooks);
  return () => {
    dc.unsubscribe('http.server.request.start', onRequest);
    dc.unsubscribe('http.server.response.finish', onResponse);
    handler.unsubscribe(hooks);
  };
}

async function hearth(redisUrl: string, mqttUrl: string): Promise<Result & { stages: Stages[] }> {
  const data = await tempDir('hearth-bench-');
  const config = { host: '127.0.0.1', port: 0, dataDir: data.path, redisUrl, mqttUrl, trustProxy: false as const, publicUrl: undefined, logLevel: 'silent' };
  const running = await startAppliance(config, {
    capabilities: (connections, log) => jobCapabilities({ dataDir: data.path, version: 'bench', connections, log, tuning: { wakeIntervalMs: 600_000 } }),
  });
  // An online agent serving comfyui, so jobs are plainly queued (no Wake-on-LAN path).
  const m = await mqtt.connectAsync(mqttUrl);
  const t = agentTopics('bench-pc');
  await m.publishAsync(
    t.announce,
    JSON.stringify({ agentId: 'bench-pc', name: 'bench', version: '0', capabilities: ['comfyui'], macs: [], gpus: [], acceptingJobs: true }),
    { retain: true, qos: 1 },
  );
  await m.publishAsync(t.availability, 'online', { retain: true, qos: 1 });
  await m.endAsync();

  const admin = new HttpClient(running.url);
  const onboard = await admin.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: 'bench password 123' });
  if (onboard.status !== 201 || !admin.cookie || !admin.csrf) throw new Error(`onboarding: ${onboard.status}`);
  await new Promise((r) => setTimeout(r, 300));

  const pair = await startPair(redisUrl, queueName('comfyui'));
  const succeeded = running.app.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'succeeded'").pluck();
  const until = async (n: number) => {
    while ((succeeded.get() as number) < n) await new Promise((r) => setTimeout(r, 1));
  };
  pair.load.send({ cmd: 'hearth', url: running.url, cookie: admin.cookie, csrf: admin.csrf, n: N, concurrency: CONCURRENCY, paced: PACED });
  await pair.load.next('ready');
  await until(1); // the load generator's warm-up job
  const meter = await pair.meter();
  const t0 = clock();
  pair.load.send({ cmd: 'go' });
  await until(1 + N);
  const seconds = (clock() - t0) / 1000;
  const cpu = await meter();
  const stages: Stages[] = [];
  const untrace = traceStages(stages);
  const paced = await pair.paced();
  untrace();
  await pair.close();
  await running.stop();
  await data.remove();
  return { seconds, paced, stages, cpu };
}

const redis = await startRedis();
const mosquitto = await startMosquitto();
try {
  probe = new Redis(redis.url);
  const setting = async (name: string) => ((await probe!.config('GET', name)) as string[])[1];
  const aof = `appendonly ${await setting('appendonly')}, appendfsync ${await setting('appendfsync')}`;
  const anchor = await raw(redis.url);
  const full = await hearth(redis.url, mosquitto.url);
  const row = (label: string, r: Result) => {
    const totals = r.paced.map((p) => p.started - p.at);
    console.log(
      `${label.padEnd(22)} ${(N / r.seconds).toFixed(0).padStart(6)} jobs/s   submit→start p50 ${pct(totals, 50).toFixed(1)} ms  p99 ${pct(totals, 99).toFixed(1)} ms`,
    );
  };
  const perJob = (r: Result) =>
    Object.entries(r.cpu)
      .map(([k, ms]) => `${k} ${(ms / N).toFixed(2)}`)
      .join(', ');
  console.log(`${N} no-op jobs with ${CONCURRENCY} in flight (throughput), then ${PACED} one at a time (submit→start latency)`);
  console.log(`one private Redis for both (${aof}); load generator, worker and appliance in separate processes`);
  row('raw bee-queue (anchor)', anchor);
  row('Hearth full path', full);
  console.log(`ratio (Hearth time ÷ anchor time): ${(full.seconds / anchor.seconds).toFixed(2)}`);
  console.log(`CPU ms per job in the throughput phase (${availableParallelism()} CPUs; /proc has 10 ms ticks):`);
  console.log(`  anchor: ${perJob(anchor)}`);
  console.log(`  Hearth: ${perJob(full)}`);

  // Where a paced submission's time goes, every mark on the same monotonic clock.
  const joined = full.paced.flatMap((p, i) => {
    const s = full.stages[i];
    return s?.handler && s.handlerEnd && s.response ? [{ ...p, ...(s as Required<Stages>) }] : [];
  });
  const line = (label: string, xs: number[]) =>
    console.log(`  ${label.padEnd(70)} p50 ${pct(xs, 50).toFixed(2).padStart(6)}  p99 ${pct(xs, 99).toFixed(2).padStart(6)} ms`);
  console.log(
    `Hearth submit→start by stage (${joined.length} paced jobs; the last two overlap: Redis hands the job to the worker and answers the add at once):`,
  );
  line(
    'client: request() → request arrives at the appliance',
    joined.map((j) => j.request - j.at),
  );
  line(
    'appliance: request → handler (body, session, user, CSRF, schema)',
    joined.map((j) => j.handler - j.request),
  );
  line(
    'appliance: handler → worker starts (input, quota, SQLite row + audit, add)',
    joined.map((j) => j.started - j.handler),
  );
  line(
    'appliance: handler → handler done (… and the add acknowledged)',
    joined.map((j) => j.handlerEnd - j.handler),
  );
  line(
    'appliance: handler done → response written',
    joined.map((j) => j.response - j.handlerEnd),
  );
  line(
    'client: response written → reply read by the client',
    joined.map((j) => j.replied - j.response),
  );
  console.log('raw bee-queue, for comparison:');
  line(
    'producer: save() → worker starts',
    anchor.paced.map((p) => p.started - p.at),
  );
  line(
    'producer: save() → save() resolved',
    anchor.paced.map((p) => p.replied - p.at),
  );
} finally {
  probe?.disconnect();
  await mosquitto.close();
  await redis.close();
}
