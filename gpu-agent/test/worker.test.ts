import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { brokerResultsKey, CANCEL_CHANNEL, queueName, type Capability, type JobProgress } from '@hearth/protocol';
import { startRedis, waitFor, type RedisInstance } from '@hearth/testkit';
import { AgentState } from '../src/agent-state.js';
import { AgentBus, type AgentEvents } from '../src/bus.js';
import { createLogger } from '../src/log.js';
import { JobError } from '../src/runners/runner.js';
import { SuspendExtension } from '../src/power/suspend.js';
import { ApplianceClient } from '../src/worker/appliance-client.js';
import { JobWorker, type CapabilitySource } from '../src/worker/job-worker.js';
import { RunnerRegistry } from '../src/worker/runner-registry.js';
import { EventEmitter } from 'node:events';
import { addJob, producer, progressOf, recordEvents, ScriptedRunner, startAgentApiStandin, untilAborted } from './worker-support.js';

const TOKEN = 'hd_7_' + 'a'.repeat(43);
const MEDIA_ID = 'b'.repeat(64);

let redis: RedisInstance;
let api: Awaited<ReturnType<typeof startAgentApiStandin>>;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  redis = await startRedis();
  api = await startAgentApiStandin(TOKEN);
  api.media.set(MEDIA_ID, { bytes: Buffer.from('input picture'), contentType: 'image/png' });
});
afterAll(async () => {
  await api?.close();
  await redis?.close();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  const r = new Redis(redis.url);
  await r.flushall();
  r.disconnect();
});

let seq = 0;
const nextId = () => `${++seq}`;

function setup(opts: { runners?: ScriptedRunner[]; backends?: CapabilitySource; progressIntervalMs?: number } = {}) {
  const bus = new AgentBus();
  const state = new AgentState(bus);
  const busEvents: Array<{ name: keyof AgentEvents; payload: unknown }> = [];
  for (const name of ['job.started', 'job.succeeded', 'job.failed', 'job.progress', 'capabilities.changed'] as const) {
    bus.on(name, (payload) => busEvents.push({ name, payload }));
  }
  const builtin = new ScriptedRunner('builtin', ['image.upscale', 'image.moderate']);
  const runners = opts.runners ?? [builtin];
  const moderated: number[] = [];
  const worker = new JobWorker({
    redisUrl: redis.url,
    appliance: new ApplianceClient({ baseUrl: api.url, token: TOKEN, backoffMs: 20 }),
    registry: new RunnerRegistry(runners),
    moderateImage: async (bytes) => {
      moderated.push(bytes.length);
      return 'safe';
    },
    backends: opts.backends,
    bus,
    state,
    log: createLogger(process.env.HEARTH_TEST_LOG === 'debug' ? 'debug' : 'error', 'worker-test'),
    stallIntervalMs: 1000,
    progressIntervalMs: opts.progressIntervalMs ?? 0,
  });
  cleanups.push(() => worker.stop());
  return { worker, bus, state, busEvents, builtin, moderated };
}

function queueFor(capability: Capability = 'builtin') {
  const q = producer(redis.url, capability);
  cleanups.push(() => q.close());
  return { q, rec: recordEvents(q) };
}

async function cancelSubscribed() {
  const r = new Redis(redis.url);
  try {
    await waitFor(async () => ((await r.pubsub('NUMSUB', CANCEL_CHANNEL)) as [string, number])[1] > 0, { what: 'cancel subscription' });
  } finally {
    r.disconnect();
  }
}

describe('job worker (real Redis, real bee-queue producer, agent routes as the protocol states them)', () => {
  it('runs a job: fetches input, reports progress in order, uploads a moderated artifact under attempt 1, returns the result', async () => {
    const { worker, builtin, busEvents, moderated } = setup();
    builtin.script = async (job, ctx) => {
      const { bytes } = await ctx.fetchMedia((job.input as { mediaId: string }).mediaId);
      for (let i = 1; i <= 4; i++) ctx.progress(progressOf(i / 4, `tile ${i}/4`));
      await ctx.upload({ name: 'upscaled-x2.png', contentType: 'image/png', bytes: Buffer.concat([bytes, Buffer.alloc(600_000, 7)]) });
      return { artifacts: ['upscaled-x2.png'], data: { width: 2, height: 2 } };
    };
    await worker.start();
    const { q, rec } = queueFor();
    const id = nextId();
    await addJob(q, { jobId: id, type: 'image.upscale', input: { mediaId: MEDIA_ID } });
    await waitFor(() => rec.of(id, 'succeeded').length, { what: 'succeeded event' });
    expect(rec.of(id, 'succeeded')[0]!.data).toEqual({ artifacts: ['upscaled-x2.png'], data: { width: 2, height: 2 } });
    expect(rec.of(id, 'progress').map((e) => (e.data as JobProgress).stage)).toEqual(['started', 'tile 1/4', 'tile 2/4', 'tile 3/4', 'tile 4/4']);
    const kept = new Redis(redis.url);
    expect(JSON.parse((await kept.hget(brokerResultsKey(queueName('builtin')), id))!)).toEqual({
      artifacts: ['upscaled-x2.png'],
      data: { width: 2, height: 2 },
    });
    kept.disconnect();
    // The attempt was started (bound to this agent) before anything was read or uploaded.
    expect(api.starts.filter((s) => s.jobId === id)).toEqual([{ jobId: id, attempt: 1 }]);
    const stored = api.artifacts.get(`${id}/1/upscaled-x2.png`)!;
    expect(stored.bytes.length).toBe('input picture'.length + 600_000);
    expect(stored.moderation).toBe('safe');
    expect(stored.authorization).toBe(`Bearer ${TOKEN}`);
    expect(moderated).toEqual([stored.bytes.length]);
    expect(busEvents.filter((e) => e.name.startsWith('job.') && e.name !== 'job.progress').map((e) => e.name)).toEqual(['job.started', 'job.succeeded']);
    // Default is filled in by the worker's validation (scale defaults to 2 when left out).
    expect(builtin.calls[0]!.job.input).toEqual({ mediaId: MEDIA_ID, scale: 2 });
  });

  it('refuses invalid input for good (no retry) with a message naming the field', async () => {
    const { worker, builtin } = setup();
    await worker.start();
    const { q, rec } = queueFor();
    const id = nextId();
    await addJob(q, { jobId: id, type: 'image.upscale', input: { mediaId: MEDIA_ID, scale: 3 } });
    await waitFor(() => rec.of(id, 'failed').length, { what: 'failed event' });
    expect(String(rec.of(id, 'failed')[0]!.data)).toMatch(/invalid image\.upscale input \/scale/);
    expect(rec.of(id, 'retrying')).toEqual([]);
    expect(builtin.calls).toEqual([]);
    const bad = nextId();
    await addJob(q, { jobId: bad, type: 'image.upscale', input: {}, extra: 1 } as never, 2);
    await waitFor(() => rec.of(bad, 'failed').length);
    expect(String(rec.of(bad, 'failed')[0]!.data)).toMatch(/invalid job data/);
  });

  it('numbers attempts from firstAttempt and bee-queue retries: a retryable failure comes back as the next attempt, a JobError is final', async () => {
    const { worker, builtin } = setup();
    builtin.script = async (_job, ctx, call) => {
      if (call % 2 === 1) throw new Error('model file went missing');
      await ctx.upload({ name: 'out.txt', contentType: 'text/plain', bytes: Buffer.from('second time lucky') });
      return { artifacts: ['out.txt'] };
    };
    await worker.start();
    const { q, rec } = queueFor();
    const id = nextId();
    await addJob(q, { jobId: id, type: 'image.upscale', input: { mediaId: MEDIA_ID, scale: 2 } });
    await waitFor(() => rec.of(id, 'succeeded').length);
    expect(rec.of(id, 'retrying')).toHaveLength(1);
    expect([...api.artifacts.keys()].filter((k) => k.startsWith(`${id}/`))).toEqual([`${id}/2/out.txt`]);
    expect(api.artifacts.get(`${id}/2/out.txt`)!.moderation).toBeUndefined();

    // A manual retry by the appliance starts at its own attempt count (firstAttempt).
    const again = nextId();
    await addJob(q, { jobId: again, type: 'image.upscale', input: { mediaId: MEDIA_ID, scale: 2 }, firstAttempt: 4 });
    await waitFor(() => rec.of(again, 'succeeded').length);
    expect([...api.artifacts.keys()].filter((k) => k.startsWith(`${again}/`))).toEqual([`${again}/5/out.txt`]);

    builtin.script = async () => {
      throw new JobError('This picture is too big.');
    };
    const final = nextId();
    await addJob(q, { jobId: final, type: 'image.upscale', input: { mediaId: MEDIA_ID, scale: 2 } });
    await waitFor(() => rec.of(final, 'failed').length);
    expect(rec.of(final, 'failed')[0]!.data).toBe('This picture is too big.');
    expect(rec.of(final, 'retrying')).toEqual([]);
  });

  it('retries an upload that meets 503s, with the same attempt number', async () => {
    const { worker, builtin } = setup();
    builtin.script = async (_job, ctx) => {
      await ctx.upload({ name: 'a.png', contentType: 'image/png', bytes: Buffer.from('pixels') });
      return { artifacts: ['a.png'] };
    };
    await worker.start();
    const { q, rec } = queueFor();
    api.failNextPuts(2);
    const id = nextId();
    await addJob(q, { jobId: id, type: 'image.upscale', input: { mediaId: MEDIA_ID, scale: 2 } });
    await waitFor(() => rec.of(id, 'succeeded').length);
    const paths = api.puts.filter((p) => p.path.includes(`/jobs/${id}/`));
    expect(paths.map((p) => p.status)).toEqual([503, 503, 204]);
    expect(api.artifacts.has(`${id}/1/a.png`)).toBe(true);
  });

  it('cancels a running job on CANCEL_CHANNEL: runner aborted within 2 s, failed without retry, nothing uploaded', async () => {
    const { worker, builtin, busEvents } = setup();
    builtin.script = async (_job, ctx) => {
      ctx.progress(progressOf(0.1, 'working'));
      return untilAborted(ctx.signal);
    };
    await worker.start();
    await cancelSubscribed();
    const { q, rec } = queueFor();
    const id = nextId();
    await addJob(q, { jobId: id, type: 'image.upscale', input: { mediaId: MEDIA_ID, scale: 2 } });
    await waitFor(() => rec.of(id, 'progress').length, { what: 'job running' });
    const pub = new Redis(redis.url);
    const sentAt = Date.now();
    await pub.publish(CANCEL_CHANNEL, id);
    pub.disconnect();
    await waitFor(() => rec.of(id, 'failed').length);
    expect(builtin.calls[0]!.abortedAt! - sentAt).toBeLessThan(2000);
    expect(rec.of(id, 'failed')[0]!.data).toBe('cancelled');
    expect(rec.of(id, 'retrying')).toEqual([]);
    expect([...api.artifacts.keys()].some((k) => k.startsWith(`${id}/`))).toBe(false);
    expect(busEvents.at(-1)).toEqual({ name: 'job.failed', payload: { jobId: id, type: 'image.upscale', error: 'cancelled' } });
  });

  it('settles a cancelled job even when its runner ignores the signal (after the grace time)', async () => {
    const { worker, builtin } = setup();
    builtin.script = () => new Promise(() => {});
    await worker.start();
    await cancelSubscribed();
    const { q, rec } = queueFor();
    const id = nextId();
    await addJob(q, { jobId: id, type: 'image.upscale', input: { mediaId: MEDIA_ID, scale: 2 } });
    await waitFor(() => builtin.calls.length);
    const pub = new Redis(redis.url);
    const sentAt = Date.now();
    await pub.publish(CANCEL_CHANNEL, id);
    pub.disconnect();
    await waitFor(() => rec.of(id, 'failed').length, { timeoutMs: 5000 });
    expect(Date.now() - sentAt).toBeLessThan(3500);
  });

  it('"accepting jobs" off: the running job finishes, new jobs wait; on again: they run', async () => {
    const { worker, builtin, state } = setup();
    let release!: () => void;
    builtin.script = async (job) => {
      if (job.id === first) await new Promise<void>((r) => (release = r));
      return { artifacts: [] };
    };
    await worker.start();
    const { q, rec } = queueFor();
    const first = nextId();
    await addJob(q, { jobId: first, type: 'image.moderate', input: { mediaId: MEDIA_ID } });
    await waitFor(() => builtin.calls.length === 1);
    state.setAccepting(false);
    expect(worker.openQueues()).toEqual([]);
    const second = nextId();
    await addJob(q, { jobId: second, type: 'image.moderate', input: { mediaId: MEDIA_ID } });
    release();
    await waitFor(() => rec.of(first, 'succeeded').length);
    await sleep(700);
    expect(builtin.calls.map((c) => c.job.id)).toEqual([first]);
    expect(rec.of(second)).toEqual([]);
    state.setAccepting(true);
    await waitFor(() => rec.of(second, 'succeeded').length);
  });

  it('withdraws a capability whose backend goes down (its jobs wait) and takes them when it is back', async () => {
    const comfy = new ScriptedRunner('comfyui', ['image.generate']);
    comfy.script = async () => ({ artifacts: [] });
    const source = new (class extends EventEmitter implements CapabilitySource {
      caps: Capability[] = ['builtin'];
      capabilities() {
        return this.caps;
      }
    })();
    const { worker, state } = setup({ runners: [new ScriptedRunner('builtin', ['image.upscale']), comfy], backends: source });
    await worker.start();
    expect(state.capabilities).toEqual(['builtin']);
    expect(worker.openQueues()).toEqual(['builtin']);
    const { q, rec } = queueFor('comfyui');
    const id = nextId();
    await addJob(q, { jobId: id, type: 'image.generate', input: { prompt: 'a fox', width: 512, height: 512, steps: 4 } });
    await sleep(500);
    expect(rec.of(id)).toEqual([]);
    source.caps = ['builtin', 'comfyui'];
    source.emit('capabilities', source.caps);
    expect([...state.capabilities]).toEqual(['builtin', 'comfyui']);
    await waitFor(() => rec.of(id, 'succeeded').length);
    source.caps = ['builtin'];
    source.emit('capabilities', source.caps);
    expect(worker.openQueues()).toEqual(['builtin']);
  });

  it('offers local capabilities (speech) beside a watched backend that is down: the watcher decides only what it watches', async () => {
    const source = new (class extends EventEmitter implements CapabilitySource {
      capabilities(): Capability[] {
        return ['builtin'];
      }
      watches(c: Capability) {
        return c === 'llm';
      }
    })();
    const runners = [
      new ScriptedRunner('builtin', ['image.upscale']),
      new ScriptedRunner('llm', ['text.story']),
      new ScriptedRunner('speech', ['audio.speak']),
    ];
    const { worker, state } = setup({ runners, backends: source });
    await worker.start();
    expect([...state.capabilities].sort()).toEqual(['builtin', 'speech']);
  });

  it('"restart worker" interrupts the running job without settling it; the stall check hands it out again under the same attempt', async () => {
    const { worker, builtin, bus } = setup();
    builtin.script = async (_job, ctx, call) => {
      if (call === 1) return untilAborted(ctx.signal);
      await ctx.upload({ name: 'r.txt', contentType: 'text/plain', bytes: Buffer.from('done') });
      return { artifacts: ['r.txt'] };
    };
    await worker.start();
    const { q, rec } = queueFor();
    const id = nextId();
    await addJob(q, { jobId: id, type: 'image.upscale', input: { mediaId: MEDIA_ID, scale: 2 } });
    await waitFor(() => builtin.calls.length === 1);
    bus.emit('command.restart-worker', {});
    await waitFor(() => rec.of(id, 'succeeded').length, { timeoutMs: 15_000, what: 're-run after restart' });
    expect(builtin.calls).toHaveLength(2);
    expect(rec.of(id, 'failed')).toEqual([]);
    expect(rec.of(id, 'retrying')).toEqual([]);
    expect([...api.artifacts.keys()].filter((k) => k.startsWith(`${id}/`))).toEqual([`${id}/1/r.txt`]);
  });

  it('a suspend never takes a job with it: refused while one runs; while asleep no queue is open, and the job added meanwhile runs after waking (#15)', async () => {
    const { worker, builtin, bus } = setup();
    const finish: Array<() => void> = [];
    builtin.script = () => new Promise((resolve) => finish.push(() => resolve({ artifacts: [] })));
    await worker.start();
    const { q, rec } = queueFor();
    const dir = await mkdtemp(join(tmpdir(), 'hearth-suspend-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const asleep = join(dir, 'asleep');
    const wake = join(dir, 'wake');
    // The "suspend" marks that it runs and returns once woken, as `systemctl suspend` does.
    const sleepScript = `require('fs').writeFileSync(${JSON.stringify(asleep)}, ''); const t = setInterval(() => { if (require('fs').existsSync(${JSON.stringify(wake)})) clearInterval(t); }, 20);`;
    const published: string[] = [];
    const power = new SuspendExtension(
      [process.execPath, '-e', sleepScript],
      bus,
      {
        holdJobs: () => worker.holdForSuspend(),
        releaseJobs: () => worker.release(),
        beforeSuspend: async () => void published.push('asleep'),
        suspendFailed: async () => void published.push('awake'),
      },
      createLogger('error', 'power-test'),
    );

    const first = nextId();
    await addJob(q, { jobId: first, type: 'image.upscale', input: { mediaId: MEDIA_ID } });
    await waitFor(() => builtin.calls.length === 1, { what: 'the first job running' });
    await power.suspend();
    expect(existsSync(asleep)).toBe(false);
    expect(published).toEqual([]);
    expect(worker.openQueues()).toEqual(['builtin']);
    finish.shift()!();
    await waitFor(() => rec.of(first, 'succeeded').length, { what: 'the first job done' });

    const sleeping = power.suspend();
    await waitFor(() => existsSync(asleep), { what: 'the suspend command running' });
    expect(published).toEqual(['asleep']);
    expect(worker.openQueues()).toEqual([]);
    const second = nextId();
    await addJob(q, { jobId: second, type: 'image.upscale', input: { mediaId: MEDIA_ID } });
    expect((await q.checkHealth()).waiting).toBe(1);
    expect(builtin.calls).toHaveLength(1);

    await writeFile(wake, '');
    await sleeping;
    await waitFor(() => builtin.calls.length === 2, { timeoutMs: 30_000, what: 'the job added while asleep taken after waking' });
    finish.shift()!();
    await waitFor(() => rec.of(second, 'succeeded').length, { what: 'the second job done' });
  });
});
