import Queue from 'bee-queue';
import mqtt from 'mqtt';
import sharp from 'sharp';
import { Redis } from 'ioredis';
import { tempDir, type MosquittoInstance, type RedisInstance } from '@hearth/testkit';
import {
  WORKER_QUEUE_SETTINGS,
  agentTopics,
  brokerResultsKey,
  queueName,
  type AgentAnnouncement,
  type BrokerJobData,
  type BrokerJobResult,
  type Capability,
  type JobProgress,
} from '@hearth/protocol';
import { jobCapabilities, type JobCapabilityTuning } from '../src/jobs/capabilities.js';
import { comicCapabilities } from '../src/comics/capabilities.js';
import type { Capability as ApplianceCapability } from '../src/capabilities.js';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import { HttpClient } from './support/http-client.js';

/** A real appliance with the job capabilities, tuned for tests (fast ticks, no wake throttle). */
export async function startJobsAppliance(
  o: { tuning?: JobCapabilityTuning; redis?: RedisInstance; mosquitto?: MosquittoInstance; comics?: boolean; extra?: ApplianceCapability[] } = {},
) {
  const media = await tempDir('hearth-media-');
  const t = await startTestAppliance({
    redis: o.redis,
    mosquitto: o.mosquitto,
    capabilities: (connections, log) => [
      ...jobCapabilities({
        dataDir: media.path,
        version: 'test-1',
        connections,
        log,
        tuning: { wakeIntervalMs: 0, ...o.tuning, jobs: { tickMs: 100, reconcileMs: 600_000, stallIntervalMs: 1000, ...o.tuning?.jobs } },
      }),
      ...(o.comics ? comicCapabilities({ log, pipelineTickMs: 100 }) : []),
      ...(o.extra ?? []),
    ],
  });
  return {
    t,
    mediaDir: media.path,
    get app() {
      return t.running.app;
    },
    async close() {
      await t.close();
      await media.remove();
    },
  };
}

export type JobsAppliance = Awaited<ReturnType<typeof startJobsAppliance>>;

/** A device token of `kind`, made by the admin over HTTP, and a client that uses it. */
export async function deviceClient(t: TestAppliance, admin: HttpClient, kind: 'agent' | 'kiosk' | 'home-assistant'): Promise<HttpClient> {
  const res = await admin.post('/api/admin/devices', { kind, name: `test ${kind}` });
  if (res.status !== 201) throw new Error(`device create failed: ${res.status} ${res.text}`);
  return HttpClient.device(t.url, res.json.token as string);
}

/** bee-queue types `reportProgress` as void, but it returns the publish's promise: await it so progress lands before what follows. */
export function reportProgress(job: Queue.Job<BrokerJobData>, progress: JobProgress): Promise<void> {
  return job.reportProgress(progress) as unknown as Promise<void>;
}

export type WorkerHandler = (job: Queue.Job<BrokerJobData>) => Promise<BrokerJobResult>;

/**
 * A bee-queue worker written inline (a real Queue consuming the real Redis), following the
 * protocol as an agent does: reports `started`, keeps finished jobs, stores its result beside the queue.
 */
export async function startInlineWorker(redisUrl: string, capability: Capability, handler: WorkerHandler, concurrency = 1) {
  const results = new Redis(redisUrl);
  const queue = new Queue<BrokerJobData>(queueName(capability), {
    ...WORKER_QUEUE_SETTINGS,
    stallInterval: 1000,
    redis: { url: redisUrl } as never,
    isWorker: true,
    getEvents: false,
    activateDelayedJobs: true,
  });
  queue.on('error', () => undefined);
  await queue.ready();
  queue.process(concurrency, async (job) => {
    await reportProgress(job, { fraction: 0, stage: 'started' });
    const result = await handler(job);
    await results.hset(brokerResultsKey(queueName(capability)), job.id, JSON.stringify(result));
    return result;
  });
  return {
    queue,
    async close() {
      await queue.close(2000).catch(() => undefined);
      results.disconnect();
    },
  };
}

/** Publish an agent's retained announcement and availability, as a gpu-agent does. */
export async function announceAgent(
  mosquittoUrl: string,
  a: Partial<AgentAnnouncement> & { agentId: string },
  availability: 'online' | 'asleep' | 'offline' = 'online',
) {
  const client = await mqtt.connectAsync(mosquittoUrl, { clientId: `test-agent-${a.agentId}-${Date.now()}` });
  const announcement: AgentAnnouncement = {
    name: a.agentId,
    version: '0.0.0',
    capabilities: ['builtin'],
    macs: [],
    gpus: [],
    acceptingJobs: true,
    ...a,
  };
  const t = agentTopics(a.agentId);
  await client.publishAsync(t.announce, JSON.stringify(announcement), { qos: 1, retain: true });
  await client.publishAsync(t.availability, availability, { qos: 1, retain: true });
  return {
    client,
    setAvailability: (v: 'online' | 'asleep' | 'offline') => client.publishAsync(t.availability, v, { qos: 1, retain: true }),
    async close() {
      // Clear the retained topics so the next test starts clean.
      await client.publishAsync(t.announce, '', { qos: 1, retain: true });
      await client.publishAsync(t.availability, '', { qos: 1, retain: true });
      await client.endAsync();
    },
  };
}

export async function png(width = 16, height = 16, color = '#3a7'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();
}

export function uploadForm(bytes: Buffer, type = 'image/png', privacy?: string): FormData {
  const form = new FormData();
  if (privacy) form.append('privacy', privacy);
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'picture');
  return form;
}

/** An SSE stream read as a test sees it: events parsed as they arrive. */
export function openEvents(client: HttpClient) {
  const events: Array<{ type: string; data: unknown }> = [];
  let comments = 0;
  const controller = new AbortController();
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
  const done = (async () => {
    const res = await fetch(new URL('/api/events', client.baseUrl), { headers, signal: controller.signal });
    if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith(':')) {
          comments++;
          continue;
        }
        const type = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (type && data) events.push({ type, data: JSON.parse(data) });
      }
    }
  })().catch((err: Error) => {
    if (err.name !== 'AbortError') throw err;
  });
  return {
    events,
    get comments() {
      return comments;
    },
    done,
    close() {
      controller.abort();
      return done;
    },
  };
}
