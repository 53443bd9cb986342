import { EventEmitter } from 'node:events';
import Queue from 'bee-queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  CANCEL_CHANNEL,
  CAPABILITIES,
  JOB_TYPES,
  QUEUE_PREFIX,
  brokerAttempt,
  brokerResultsKey,
  queueName,
  type BrokerJobData,
  type Capability,
} from '@hearth/protocol';

export interface BrokerEvents {
  progress: [jobId: string, progress: unknown];
  succeeded: [jobId: string, result: unknown];
  failed: [jobId: string, message: string];
  retrying: [jobId: string, message: string];
  /** Redis came back after a break: queues were re-created, state needs reconciling. */
  reconnected: [];
}

/** What one capability's queue holds in Redis, for reconciliation. */
export interface QueueSnapshot {
  /** bee-queue's stored jobs: id → status (created | retrying | succeeded | failed) and last error. */
  jobs: Map<string, { status: string; lastError: string | null }>;
  waiting: string[];
  active: string[];
  delayed: string[];
  succeeded: Set<string>;
  failed: Set<string>;
  /** Results workers stored beside bee-queue (brokerResultsKey). */
  results: Map<string, string>;
}

export interface BrokerOptions {
  redisUrl: string;
  /** A plain client for inspection, repairs and the cancel channel (fails fast when Redis is down). */
  redis: Redis;
  log: Logger;
  stallIntervalMs?: number;
  /** How long an add may wait for Redis before the job is left to reconciliation. */
  addTimeoutMs?: number;
}

type BeeQueue = Queue<BrokerJobData>;
type RedisEmitter = EventEmitter & { ready?: boolean };

/**
 * The appliance's side of bee-queue: one non-worker Queue per capability that adds jobs, hears
 * their events, raises delayed retries and re-queues stalled jobs. bee-queue does not recover
 * from a Redis restart by itself (its Lua scripts vanish with the server), so each queue is
 * re-created when its connection comes back, and `reconnected` tells the owner to reconcile.
 */
export class Broker extends EventEmitter<BrokerEvents> {
  private readonly queues = new Map<Capability, BeeQueue>();
  private readonly stallIntervalMs: number;
  private readonly addTimeoutMs: number;
  private closed = false;
  private recreating = new Set<Capability>();

  constructor(private readonly opts: BrokerOptions) {
    super();
    this.stallIntervalMs = opts.stallIntervalMs ?? 5000;
    this.addTimeoutMs = opts.addTimeoutMs ?? 3000;
  }

  async start(): Promise<void> {
    await Promise.all(CAPABILITIES.map(async (cap) => this.queues.set(cap, await this.open(cap))));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map((q) => q.close(2000).catch(() => undefined)));
    this.queues.clear();
  }

  /** Add a job with its SQLite id; adding an id Redis already holds changes nothing. */
  async add(job: { id: string; data: BrokerJobData }): Promise<void> {
    const spec = JOB_TYPES[job.data.type];
    const queue = this.queue(spec.capability);
    const created = queue.createJob(job.data).setId(job.id).timeout(spec.timeoutMs);
    if (spec.attempts > 1) created.retries(spec.attempts - 1).backoff('exponential', spec.backoffMs);
    await withTimeout(created.save(), this.addTimeoutMs, `adding job ${job.id} to Redis`);
  }

  /** Remove a job and any stored result from Redis, wherever it is (waiting, active, delayed, finished). */
  async remove(capability: Capability, jobId: string): Promise<void> {
    // Independent deletes: sent together, they cost one round trip (and one AOF fsync) instead of two.
    await Promise.all([
      withTimeout(this.queue(capability).removeJob(jobId), this.addTimeoutMs, `removing job ${jobId}`),
      this.opts.redis.hdel(brokerResultsKey(queueName(capability)), jobId),
    ]);
  }

  /** Tell the agent running `jobId` to abort it. */
  async cancelRunning(jobId: string): Promise<void> {
    await this.opts.redis.publish(CANCEL_CHANNEL, jobId);
  }

  async depth(capability: Capability): Promise<{ waiting: number; active: number; delayed: number }> {
    const key = (k: string) => this.key(capability, k);
    const [waiting, active, delayed] = await Promise.all([
      this.opts.redis.llen(key('waiting')),
      this.opts.redis.llen(key('active')),
      this.opts.redis.zcard(key('delayed')),
    ]);
    return { waiting, active, delayed };
  }

  /** The attempt bee-queue is on for a job (it counts retries itself), or null when Redis does not hold it. */
  async attemptOf(capability: Capability, jobId: string): Promise<number | null> {
    const raw = await withTimeout(this.opts.redis.hget(this.key(capability, 'jobs'), jobId), this.addTimeoutMs, `reading job ${jobId}`);
    if (!raw) return null;
    const stored = JSON.parse(raw) as { data?: BrokerJobData; options?: { retries?: number } };
    if (!stored.data || !(stored.data.type in JOB_TYPES)) return null;
    return brokerAttempt(stored.data, stored.options?.retries);
  }

  async activeIds(capability: Capability): Promise<string[]> {
    return this.opts.redis.lrange(this.key(capability, 'active'), 0, -1);
  }

  /** One consistent read (MULTI) of everything a capability's queue holds. */
  async snapshot(capability: Capability): Promise<QueueSnapshot> {
    const key = (k: string) => this.key(capability, k);
    const replies = await this.opts.redis
      .multi()
      .hgetall(key('jobs'))
      .lrange(key('waiting'), 0, -1)
      .lrange(key('active'), 0, -1)
      .zrange(key('delayed'), '0', '-1')
      .smembers(key('succeeded'))
      .smembers(key('failed'))
      .hgetall(brokerResultsKey(queueName(capability)))
      .exec();
    if (!replies) throw new Error('Redis aborted the snapshot');
    const value = <T>(i: number): T => {
      const [err, v] = replies[i]!;
      if (err) throw err;
      return v as T;
    };
    const jobs = new Map<string, { status: string; lastError: string | null }>();
    for (const [id, raw] of Object.entries(value<Record<string, string>>(0))) {
      try {
        const parsed = JSON.parse(raw) as { status?: string; options?: { stacktraces?: string[] } };
        jobs.set(id, { status: parsed.status ?? 'created', lastError: parsed.options?.stacktraces?.[0] ?? null });
      } catch {
        jobs.set(id, { status: 'corrupt', lastError: null });
      }
    }
    return {
      jobs,
      waiting: value<string[]>(1),
      active: value<string[]>(2),
      delayed: value<string[]>(3),
      succeeded: new Set(value<string[]>(4)),
      failed: new Set(value<string[]>(5)),
      results: new Map(Object.entries(value<Record<string, string>>(6))),
    };
  }

  /** Put a stored, unfinished job back on the waiting list if it is on no list at all (atomic). */
  async requeueStored(capability: Capability, jobId: string): Promise<boolean> {
    const key = (k: string) => this.key(capability, k);
    return (await this.opts.redis.eval(REQUEUE_LUA, 4, key('jobs'), key('waiting'), key('active'), key('delayed'), jobId)) === 1;
  }

  /** Leave a job id on the waiting list at most once, and not at all when it is active or delayed (atomic). */
  async dedupeWaiting(capability: Capability, jobId: string): Promise<number> {
    const key = (k: string) => this.key(capability, k);
    return Number(await this.opts.redis.eval(DEDUPE_LUA, 3, key('waiting'), key('active'), key('delayed'), jobId));
  }

  /** Remove ids from the waiting/active lists that have no stored job behind them (atomic). */
  async dropDangling(capability: Capability, jobId: string): Promise<void> {
    const key = (k: string) => this.key(capability, k);
    await this.opts.redis.eval(DANGLING_LUA, 3, key('jobs'), key('waiting'), key('active'), jobId);
  }

  private key(capability: Capability, suffix: string): string {
    return `${QUEUE_PREFIX}:${queueName(capability)}:${suffix}`;
  }

  private queue(capability: Capability): BeeQueue {
    const q = this.queues.get(capability);
    if (!q) throw new Error(`the ${capability} queue is not open`);
    return q;
  }

  private async open(capability: Capability): Promise<BeeQueue> {
    const queue: BeeQueue = new Queue<BrokerJobData>(queueName(capability), {
      prefix: QUEUE_PREFIX,
      // node_redis v3 options: reconnect forever, every second at most (the default gives up after an hour).
      redis: { url: this.opts.redisUrl, retry_strategy: () => 1000, connect_timeout: 2 ** 31 - 1 } as never,
      isWorker: false,
      getEvents: true,
      sendEvents: true,
      activateDelayedJobs: true,
      storeJobs: false,
      stallInterval: this.stallIntervalMs,
    });
    let lastError = '';
    queue.on('error', (err) => {
      // One line per distinct problem: a Redis outage would otherwise log once per command.
      if (err.message !== lastError) this.opts.log.warn({ queue: capability, err: err.message }, 'job queue: Redis problem');
      lastError = err.message;
    });
    queue.on('job progress', (id, data) => this.emit('progress', id, data));
    queue.on('job succeeded', (id, result) => this.emit('succeeded', id, result));
    queue.on('job failed', (id, err) => this.emit('failed', id, errorText(err)));
    queue.on('job retrying', (id, err) => this.emit('retrying', id, errorText(err)));
    await queue.ready();
    // Stalled jobs (an agent died mid-job) go back to waiting; bee-queue re-schedules this check itself.
    queue.checkStalledJobs(this.stallIntervalMs).catch(() => undefined);
    const client = (queue as unknown as { client: RedisEmitter }).client;
    client.on('ready', () => {
      lastError = '';
      void this.recreate(capability, queue);
    });
    return queue;
  }

  private async recreate(capability: Capability, old: BeeQueue): Promise<void> {
    if (this.closed || this.recreating.has(capability) || this.queues.get(capability) !== old) return;
    this.recreating.add(capability);
    try {
      this.opts.log.info({ queue: capability }, 'job queue: Redis is back; re-opening the queue');
      const fresh = await this.open(capability);
      if (this.closed) {
        await fresh.close(1000).catch(() => undefined);
        return;
      }
      this.queues.set(capability, fresh);
      await old.close(1000).catch(() => undefined);
      if (![...this.recreating].some((c) => c !== capability)) this.emit('reconnected');
    } catch (err) {
      this.opts.log.error({ queue: capability, err: (err as Error).message }, 'job queue: could not re-open after a Redis break');
    } finally {
      this.recreating.delete(capability);
    }
  }
}

// Repairs run as scripts so a worker taking or finishing the job in between cannot race them.
// bee-queue adds with LPUSH and takes from the right, so an id pushed with RPUSH runs next.
const REQUEUE_LUA = `
local data = redis.call('hget', KEYS[1], ARGV[1])
if not data then return 0 end
local status = cjson.decode(data).status
if status == 'succeeded' or status == 'failed' then return 0 end
if redis.call('lpos', KEYS[2], ARGV[1]) or redis.call('lpos', KEYS[3], ARGV[1]) or redis.call('zscore', KEYS[4], ARGV[1]) then return 0 end
redis.call('rpush', KEYS[2], ARGV[1])
return 1`;

const DEDUPE_LUA = `
local n = redis.call('lrem', KEYS[1], 0, ARGV[1])
if n == 0 then return 0 end
if redis.call('lpos', KEYS[2], ARGV[1]) or redis.call('zscore', KEYS[3], ARGV[1]) then return n end
redis.call('rpush', KEYS[1], ARGV[1])
return n - 1`;

const DANGLING_LUA = `
if redis.call('hexists', KEYS[1], ARGV[1]) == 1 then return 0 end
return redis.call('lrem', KEYS[2], 0, ARGV[1]) + redis.call('lrem', KEYS[3], 0, ARGV[1])`;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]);
}
