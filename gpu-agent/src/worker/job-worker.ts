import { createRequire } from 'node:module';
import Queue from 'bee-queue';
import {
  ARTIFACT_NAME,
  BrokerJobResult,
  JOB_TYPES,
  MAX_ARTIFACT_BYTES,
  MODERATION_HEADER,
  WORKER_QUEUE_SETTINGS,
  brokerAttempt,
  brokerResultsKey,
  queueName,
  type BrokerJobData,
  type Capability,
} from '@hearth/protocol';
import { Value } from '@sinclair/typebox/value';
import type { AgentState } from '../agent-state.js';
import type { AgentBus } from '../bus.js';
import type { Extension } from '../extension.js';
import type { Holdable } from '../power/job-hold.js';
import type { Logger } from '../log.js';
import { JobError, type Artifact, type RunContext, type RunnerJob } from '../runners/runner.js';
import type { ApplianceClient } from './appliance-client.js';
import { parseBrokerJob } from './broker-job.js';
import { CancelListener } from './cancel-listener.js';
import { ProgressRelay } from './progress-relay.js';
import type { RunnerRegistry } from './runner-registry.js';

/** Where the set of usable capabilities comes from at run time (the BackendWatcher fits). */
export interface CapabilitySource {
  capabilities(): Capability[];
  /** Whether it watches a backend for `capability`; one it does not watch (local programs: speech, video) is always up. */
  watches?(capability: Capability): boolean;
  on(event: 'capabilities', listener: (caps: Capability[]) => void): unknown;
  off(event: 'capabilities', listener: (caps: Capability[]) => void): unknown;
}

export interface JobWorkerOptions {
  redisUrl: string;
  appliance: Pick<ApplianceClient, 'startJob' | 'fetchMedia' | 'uploadArtifact'>;
  registry: RunnerRegistry;
  /** The built-in classifier's verdict on an image artifact, sent along with it. */
  moderateImage(bytes: Buffer): Promise<'safe' | 'unsafe'>;
  /** Server backends coming and going; without it every runner's capability is offered. */
  backends?: CapabilitySource;
  bus: AgentBus;
  state: AgentState;
  log: Logger;
  /** Jobs at once per queue; GPU servers take one at a time. */
  concurrency?: Partial<Record<Capability, number>>;
  /**
   * bee-queue's stall window: a job whose worker is silent this long is handed to another. Every
   * worker and the appliance must agree on it (WORKER_QUEUE_SETTINGS); tests shorten it.
   */
  stallIntervalMs?: number;
  progressIntervalMs?: number;
  /** After aborting a runner, how long to wait for it before the job is settled without it. */
  abortGraceMs?: number;
}

const DEFAULT_CONCURRENCY: Record<Capability, number> = { builtin: 2, comfyui: 1, llm: 1, speech: 1, video: 1 };

/** Why a job's signal fired. */
class Stop extends Error {
  constructor(
    readonly why: 'cancelled' | 'timeout' | 'shutdown',
    message: string,
  ) {
    super(message);
  }
}

interface Running {
  job: RunnerJob;
  controller: AbortController;
}

interface Slot {
  capability: Capability;
  queue: Queue<BrokerJobData>;
  stallTimer?: NodeJS.Timeout;
  reopenTimer?: NodeJS.Timeout;
}

// bee-queue keeps its Lua scripts in Redis' script cache, which a Redis restart empties; its own
// loader puts them back (it has no public way to, hence the deep require).
const beeQueueLua = createRequire(import.meta.url)('bee-queue/lib/lua') as { buildCache(client: unknown): Promise<void> };

/**
 * Takes jobs from the bee-queues of the capabilities this agent has, runs them with the runner
 * that accepts them, and hands the result back to bee-queue. Runs at most one GPU job at a time.
 *
 * Lifecycle of a queue: opened when its capability is available and the agent accepts jobs;
 * closed gracefully (the running job finishes) when either stops; reopened after Redis errors.
 * On stop or "restart worker" running jobs are aborted and left unsettled in Redis, so bee-queue's
 * stall check hands them to a worker again, under the same attempt number.
 */
export class JobWorker implements Extension, Holdable {
  readonly name = 'worker';
  readonly #slots = new Map<Capability, Slot>();
  /** Queues being drained, by capability: a new queue waits, so GPU jobs never overlap. */
  readonly #closing = new Map<Capability, Promise<void>>();
  readonly #running = new Set<Running>();
  readonly #cancel: CancelListener;
  readonly #off: Array<() => void> = [];
  readonly #stallMs: number;
  #stopping = false;
  /** Held for a suspend: no queue is open, so no job can be taken. */
  #held = false;
  #freeMemoryWhenIdle = false;

  constructor(private readonly o: JobWorkerOptions) {
    this.#cancel = new CancelListener(o.redisUrl, o.log.child('cancel'));
    this.#stallMs = o.stallIntervalMs ?? WORKER_QUEUE_SETTINGS.stallInterval;
  }

  async start(): Promise<void> {
    this.#stopping = false;
    await this.#cancel.start();
    const { bus, backends } = this.o;
    const onCapabilities = () => this.#reconcile();
    backends?.on('capabilities', onCapabilities);
    this.#off.push(
      () => backends?.off('capabilities', onCapabilities),
      bus.on('accepting.changed', () => this.#reconcile()),
      bus.on('command.restart-worker', () => void this.restart()),
      bus.on('command.free-vram', () => void this.#freeMemory()),
    );
    this.#reconcile();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const off of this.#off.splice(0)) off();
    this.#abortAll('the agent is stopping');
    await Promise.all([...this.#slots.values()].map((slot) => this.#close(slot, 1000)));
    await Promise.all(this.#closing.values());
    await this.#cancel.stop();
    await this.o.registry.close();
  }

  /** "Restart worker": abort what runs (it comes back through the stall check) and reopen every queue. */
  async restart(): Promise<void> {
    if (this.#stopping) return;
    this.o.log.info('restarting the worker');
    this.#abortAll('the worker is restarting');
    await Promise.all([...this.#slots.values()].map((slot) => this.#close(slot, 1000)));
    this.#reconcile();
  }

  /**
   * Before the machine sleeps: refuse while a job runs; otherwise close every queue and wait
   * until they are closed, so nothing is taken in the last moment. A job that a queue handed
   * over while closing is finished first (closing waits for it) — the machine sleeps idle.
   */
  async holdForSuspend(): Promise<string | null> {
    const busy = () => `${this.#running.size} job(s) running (${[...this.#running].map((r) => r.job.type).join(', ')})`;
    if (this.#running.size) return busy();
    this.#held = true;
    this.#reconcile();
    await Promise.all([...this.#closing.values()]);
    return this.#running.size ? busy() : null;
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#reconcile();
  }

  /** Capabilities whose queues are open now (for tests and logs). */
  openQueues(): Capability[] {
    return [...this.#slots.keys()];
  }

  #reconcile(): void {
    const { registry, backends, state } = this.o;
    const served = registry.capabilities();
    const up = backends ? backends.capabilities() : served;
    const available = served.filter((c) => c === 'builtin' || up.includes(c) || backends?.watches?.(c) === false);
    state.setCapabilities(available);
    const wanted = this.#stopping || this.#held || !state.accepting ? [] : available;
    for (const [capability, slot] of this.#slots) {
      if (!wanted.includes(capability)) void this.#close(slot, maxTimeoutMs(capability) + 5000);
    }
    for (const capability of wanted) if (!this.#slots.has(capability)) this.#open(capability);
  }

  #open(capability: Capability): void {
    const { log } = this.o;
    const queue = new Queue<BrokerJobData>(queueName(capability), {
      ...WORKER_QUEUE_SETTINGS,
      redis: { url: this.o.redisUrl, retry_strategy: ({ attempt }: { attempt: number }) => Math.min(attempt * 200, 5000) } as Queue.QueueSettings['redis'],
      isWorker: true,
      getEvents: false,
      sendEvents: true,
      storeJobs: false,
      // Retries with backoff sit in the delayed set until some queue activates them.
      activateDelayedJobs: true,
      stallInterval: this.#stallMs,
      autoConnect: false,
    });
    const slot: Slot = { capability, queue };
    this.#slots.set(capability, slot);
    queue.on('error', (err) => log.warn(`${capability} queue: ${err.message}`));
    const previous = this.#closing.get(capability) ?? Promise.resolve();
    void previous
      .then(() => queue.connect())
      .then(() => {
        if (this.#slots.get(capability) !== slot) return;
        queue.process(this.o.concurrency?.[capability] ?? DEFAULT_CONCURRENCY[capability], (job) => this.#handle(capability, job));
        slot.stallTimer = setInterval(() => void this.#checkStalled(slot), this.#stallMs);
        log.info(`taking ${capability} jobs`);
      })
      .catch((err: Error) => {
        if (this.#slots.get(capability) !== slot) return;
        log.warn(`cannot open the ${capability} queue (${err.message}); trying again`);
        slot.reopenTimer = setTimeout(() => {
          if (this.#slots.get(capability) !== slot) return;
          void this.#close(slot, 100).then(() => this.#reconcile());
        }, 2000);
      });
  }

  /** Stop taking jobs from this queue; the jobs running from it may take up to `timeoutMs` to finish. */
  #close(slot: Slot, timeoutMs: number): Promise<void> {
    const { capability, queue } = slot;
    if (this.#slots.get(capability) === slot) this.#slots.delete(capability);
    clearInterval(slot.stallTimer);
    clearTimeout(slot.reopenTimer);
    const closing = queue
      .close(timeoutMs)
      .catch(() => {})
      .then(() => this.o.log.info(`stopped taking ${capability} jobs`));
    const chained = (this.#closing.get(capability) ?? Promise.resolve()).then(() => closing);
    this.#closing.set(capability, chained);
    void chained.then(() => {
      if (this.#closing.get(capability) === chained) this.#closing.delete(capability);
    });
    return chained;
  }

  async #checkStalled(slot: Slot): Promise<void> {
    try {
      const n = await slot.queue.checkStalledJobs();
      if (n) this.o.log.info(`${slot.capability} queue: ${n} stalled job(s) put back`);
    } catch (err) {
      if (/NOSCRIPT/.test(String(err))) {
        this.o.log.info(`${slot.capability} queue: reloading bee-queue scripts (Redis restarted)`);
        await beeQueueLua.buildCache((slot.queue as unknown as { client: unknown }).client).catch(() => {});
      } else this.o.log.debug(`${slot.capability} queue: stall check failed`, { error: String(err) });
    }
  }

  async #handle(capability: Capability, bee: Queue.Job<BrokerJobData>): Promise<BrokerJobResult> {
    const { log, bus, state, registry } = this.o;
    const parsed = parseBrokerJob(String(bee.id), capability, bee.data);
    if (!parsed.ok) {
      log.warn(`refusing job ${String(bee.id).slice(0, 64)}: ${parsed.error}`);
      return noRetry(bee, parsed.error);
    }
    const job = parsed.job;
    const runner = registry.find(job);
    if (!runner) throw new Error(`This agent has no runner for ${job.type} jobs.`);
    const spec = JOB_TYPES[job.type];
    const attempt = brokerAttempt(bee.data, (bee.options as { retries?: number }).retries);
    const controller = new AbortController();
    const running: Running = { job, controller };
    this.#running.add(running);
    const timeout = setTimeout(
      () => controller.abort(new Stop('timeout', `The job took longer than ${Math.round(spec.timeoutMs / 60_000)} minutes and was stopped.`)),
      spec.timeoutMs,
    );
    const unwatch = this.#cancel.watch(job.id, () => controller.abort(new Stop('cancelled', 'cancelled')));
    const ev = { jobId: job.id, type: job.type };
    const relay = new ProgressRelay((progress) => {
      (bee.reportProgress(progress) as unknown as Promise<void> | undefined)?.catch?.(() => {});
      bus.emit('job.progress', { ...ev, progress });
    }, this.o.progressIntervalMs);
    const uploaded: string[] = [];
    const ctx: RunContext = {
      signal: controller.signal,
      progress: (p) => relay.push(p),
      fetchMedia: (mediaId) => this.o.appliance.fetchMedia(mediaId, controller.signal),
      upload: async (artifact) => {
        await this.#upload(job.id, attempt, artifact, controller.signal);
        if (!uploaded.includes(artifact.name)) uploaded.push(artifact.name);
      },
    };
    log.info(`job ${job.id} started`, { type: job.type, attempt });
    bus.emit('job.started', ev);
    // bee-queue has no "started" event: this first report is how the appliance learns the job runs.
    relay.push({ fraction: 0, stage: 'started' });
    try {
      // Binds this attempt to this agent on the appliance: inputs and uploads are refused before it.
      await this.o.appliance.startJob(job.id, attempt, controller.signal);
      const result = await settleOrGiveUp(runner.run(job, ctx), controller.signal, this.o.abortGraceMs ?? 2000, () =>
        log.warn(`the ${job.type} runner did not stop within its grace time after an abort`),
      );
      relay.close();
      const out = checkedResult(result, uploaded);
      await keepResult(bee, capability, out);
      log.info(`job ${job.id} succeeded`, { artifacts: out.artifacts.length });
      bus.emit('job.succeeded', ev);
      return out;
    } catch (err) {
      relay.close();
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      if (reason instanceof Stop && reason.why === 'shutdown') {
        log.info(`job ${job.id} interrupted (${reason.message}); it will be handed out again`);
        if (state.currentJob?.jobId === job.id) state.currentJob = null;
        return new Promise<never>(() => {});
      }
      const { message, retry } = describeFailure(err, reason);
      const detail = err instanceof JobError && err.detail ? { detail: err.detail.slice(0, 4000) } : undefined;
      log.warn(`job ${job.id} failed${retry ? ' (will be retried)' : ''}: ${message}`, detail);
      bus.emit('job.failed', { ...ev, error: message });
      return retry ? Promise.reject(new Error(message)) : noRetry(bee, message);
    } finally {
      clearTimeout(timeout);
      unwatch();
      this.#running.delete(running);
      if (!this.#running.size && this.#freeMemoryWhenIdle) void this.#freeMemory();
    }
  }

  async #upload(jobId: string, attempt: number, artifact: Artifact, signal: AbortSignal): Promise<void> {
    if (!ARTIFACT_NAME.test(artifact.name)) throw new JobError(`artifact name ${JSON.stringify(artifact.name.slice(0, 40))} is not allowed`);
    if (artifact.bytes.length > MAX_ARTIFACT_BYTES) throw new JobError(`The result ${artifact.name} is too large (${artifact.bytes.length} bytes).`);
    const headers: Record<string, string> = {};
    if (artifact.contentType.startsWith('image/')) {
      try {
        headers[MODERATION_HEADER] = await this.o.moderateImage(artifact.bytes);
      } catch (err) {
        // Sent without a verdict: the appliance keeps it `pending`, hidden from children and the kiosk.
        this.o.log.warn(`could not moderate ${artifact.name}`, { error: String(err) });
      }
    }
    signal.throwIfAborted();
    await this.o.appliance.uploadArtifact(jobId, attempt, artifact, headers, signal);
  }

  #abortAll(message: string): void {
    for (const r of this.#running) r.controller.abort(new Stop('shutdown', message));
  }

  async #freeMemory(): Promise<void> {
    // Models in use cannot be unloaded under a running job; free them as soon as the agent is idle.
    if (this.#running.size) {
      this.#freeMemoryWhenIdle = true;
      return;
    }
    this.#freeMemoryWhenIdle = false;
    await this.o.registry.freeMemory();
    this.o.log.info('freed model memory');
  }
}

const maxTimeoutMs = (capability: Capability) =>
  Math.max(
    ...(Object.values(JOB_TYPES) as Array<{ capability: Capability; timeoutMs: number }>).filter((s) => s.capability === capability).map((s) => s.timeoutMs),
  );

/**
 * bee-queue hands a result only to its pub/sub event, which an appliance that is away misses; a
 * copy beside the queue (brokerResultsKey) lets it find the result when it reconciles.
 */
function keepResult(bee: Queue.Job<BrokerJobData>, capability: Capability, result: BrokerJobResult): Promise<void> {
  const client = (bee.queue as unknown as { client: { hset(k: string, f: string, v: string, cb: (err: Error | null) => void): void } }).client;
  return new Promise((resolve, reject) =>
    client.hset(brokerResultsKey(queueName(capability)), bee.id, JSON.stringify(result), (err) => (err ? reject(err) : resolve())),
  );
}

/** Fails the job for good: bee-queue retries only while `retries` is above zero. */
function noRetry(bee: Queue.Job<BrokerJobData>, message: string): Promise<never> {
  (bee.options as { retries?: number }).retries = 0;
  return Promise.reject(new Error(message));
}

function describeFailure(err: unknown, reason: unknown): { message: string; retry: boolean } {
  if (reason instanceof Stop) return { message: reason.message, retry: false };
  if (err instanceof JobError) return { message: err.message, retry: err.retryable };
  return { message: err instanceof Error ? err.message : String(err), retry: true };
}

function checkedResult(result: { artifacts: string[]; data?: unknown }, uploaded: string[]): BrokerJobResult {
  const missing = result.artifacts.filter((name) => !uploaded.includes(name));
  if (missing.length) throw new JobError(`the runner named results it never uploaded: ${missing.join(', ').slice(0, 200)}`);
  const out: BrokerJobResult = result.data === undefined ? { artifacts: [...result.artifacts] } : { artifacts: [...result.artifacts], data: result.data };
  const bad = Value.Errors(BrokerJobResult, out).First();
  if (bad) throw new JobError(`the runner's result is malformed (${bad.path || '/'}: ${bad.message})`);
  return out;
}

/**
 * The runner's outcome, or — once the signal has fired and the runner has had `graceMs` to
 * notice — the abort reason, so a runner that ignores its signal cannot hold the job open.
 */
function settleOrGiveUp<T>(run: Promise<T>, signal: AbortSignal, graceMs: number, onGiveUp: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => {
        onGiveUp();
        reject(signal.reason);
      }, graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    run.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
