/**
 * Jobs through Hearth's full path vs raw bee-queue, in the same run.
 *
 *   node --import tsx bench/broker/run.ts [jobs=500] [concurrency=8] [paced=200]
 *
 * Hearth: POST /api/jobs (session cookie, CSRF, validation, quota, SQLite row, audit, bee-queue add)
 * → an inline bee-queue worker that completes at once → the appliance hears `succeeded` and
 * marks the SQLite row. Anchor: createJob().save() on a plain bee-queue → the same worker →
 * the producer hears `succeeded`. Both on one private Redis. Prints throughput ratio and
 * submit→start latency percentiles.
 */
import Queue from 'bee-queue';
import mqtt from 'mqtt';
import { Redis } from 'ioredis';
import { startMosquitto, startRedis, tempDir } from '@hearth/testkit';
import { WORKER_QUEUE_SETTINGS, agentTopics, brokerResultsKey, queueName, type BrokerJobData } from '@hearth/protocol';
import { startAppliance } from '../../appliance/src/server.js';
import { jobCapabilities } from '../../appliance/src/jobs/capabilities.js';
import { HttpClient } from '../../appliance/test/support/http-client.js';

const N = Number(process.argv[2] ?? 500);
const CONCURRENCY = Number(process.argv[3] ?? 8);
/** Latency is measured on an idle system: one job at a time, the next submitted once the last started. */
const PACED = Number(process.argv[4] ?? 200);

async function paced(n: number, starts: Map<string, number>, submit: (i: number) => Promise<string>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = performance.now();
    const id = await submit(i);
    while (!starts.has(id)) await new Promise((r) => setImmediate(r));
    out.push(starts.get(id)! - at);
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await task(next++);
  }));
}

function worker(redisUrl: string, name: string, starts: Map<string, number>) {
  const results = new Redis(redisUrl);
  const q = new Queue<BrokerJobData>(name, { ...WORKER_QUEUE_SETTINGS, redis: { url: redisUrl } as never, isWorker: true, getEvents: false });
  q.process(CONCURRENCY, async (job) => {
    starts.set(job.id, performance.now());
    const result = { artifacts: [] };
    await results.hset(brokerResultsKey(name), job.id, JSON.stringify(result));
    return result;
  });
  return { q, close: async () => { await q.close(5000); results.disconnect(); } };
}

async function hearth(redisUrl: string, mqttUrl: string) {
  const data = await tempDir('hearth-bench-');
  const config = { host: '127.0.0.1', port: 0, dataDir: data.path, redisUrl, mqttUrl, trustProxy: false, publicUrl: undefined, logLevel: 'silent' };
  const running = await startAppliance(config, {
    capabilities: (connections, log) => jobCapabilities({ dataDir: data.path, version: 'bench', connections, log, tuning: { wakeIntervalMs: 600_000 } }),
  });
  // An online agent serving comfyui, so jobs are plainly queued (no Wake-on-LAN path).
  const m = await mqtt.connectAsync(mqttUrl);
  const t = agentTopics('bench-pc');
  await m.publishAsync(t.announce, JSON.stringify({ agentId: 'bench-pc', name: 'bench', version: '0', capabilities: ['comfyui'], macs: [], gpus: [], acceptingJobs: true }), { retain: true, qos: 1 });
  await m.publishAsync(t.availability, 'online', { retain: true, qos: 1 });
  await m.endAsync();

  const admin = new HttpClient(running.url);
  const onboard = await admin.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: 'bench password 123' });
  if (onboard.status !== 201) throw new Error(`onboarding: ${onboard.status}`);
  await new Promise((r) => setTimeout(r, 300));

  const starts = new Map<string, number>();
  const w = worker(redisUrl, queueName('comfyui'), starts);
  await w.q.ready();
  const t0 = performance.now();
  await pool(N, CONCURRENCY, async (i) => {
    const res = await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: `bench ${i}` } });
    if (res.status !== 201) throw new Error(`submit: ${res.status} ${res.text}`);
  });
  const count = running.app.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'succeeded'").pluck();
  while ((count.get() as number) < N) await new Promise((r) => setTimeout(r, 2));
  const seconds = (performance.now() - t0) / 1000;
  const latencies = await paced(PACED, starts, async (i) => (await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: `paced ${i}` } })).json.id as string);
  await w.close();
  await running.stop();
  await data.remove();
  return { seconds, latencies };
}

async function raw(redisUrl: string) {
  const name = 'bench:raw';
  const starts = new Map<string, number>();
  const producer = new Queue<BrokerJobData>(name, { prefix: 'hearth', redis: { url: redisUrl } as never, isWorker: false, getEvents: true, storeJobs: false });
  await producer.ready();
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => { allDone = r; });
  producer.on('job succeeded', (id) => { if (id.startsWith('raw-') && ++done === N) allDone(); });
  const w = worker(redisUrl, name, starts);
  await w.q.ready();
  const t0 = performance.now();
  await pool(N, CONCURRENCY, async (i) => {
    await producer.createJob({ jobId: `raw-${i}`, type: 'image.generate', input: { prompt: `bench ${i}` } }).setId(`raw-${i}`).retries(1).timeout(60_000).save();
  });
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  const latencies = await paced(PACED, starts, async (i) => {
    const job = await producer.createJob({ jobId: `paced-${i}`, type: 'image.generate', input: { prompt: `paced ${i}` } }).setId(`paced-${i}`).retries(1).timeout(60_000).save();
    return job.id;
  });
  await w.close();
  await producer.close(5000);
  return { seconds, latencies };
}

const redis = await startRedis();
const mosquitto = await startMosquitto();
try {
  const anchor = await raw(redis.url);
  const full = await hearth(redis.url, mosquitto.url);
  const row = (label: string, r: { seconds: number; latencies: number[] }) =>
    console.log(`${label.padEnd(22)} ${(N / r.seconds).toFixed(0).padStart(6)} jobs/s   submit→start p50 ${pct(r.latencies, 50).toFixed(1)} ms  p99 ${pct(r.latencies, 99).toFixed(1)} ms`);
  console.log(`${N} no-op jobs with ${CONCURRENCY} in flight (throughput), then ${PACED} one at a time (submit→start latency); one private Redis, AOF fsync always`);
  row('raw bee-queue (anchor)', anchor);
  row('Hearth full path', full);
  console.log(`ratio (Hearth time ÷ anchor time): ${(full.seconds / anchor.seconds).toFixed(2)}`);
} finally {
  await mosquitto.close();
  await redis.close();
}
