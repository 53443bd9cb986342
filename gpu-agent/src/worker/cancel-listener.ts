import { CANCEL_CHANNEL } from '@hearth/protocol';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

const JOB_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Listens on CANCEL_CHANNEL with its own Redis connection (a subscribed connection can do
 * nothing else) and tells the jobs running here when the appliance cancels them. Nothing is
 * remembered for jobs not running here: the appliance removes queued jobs itself, and a job id
 * may come back by a retry.
 */
export class CancelListener {
  readonly #watchers = new Map<string, Set<() => void>>();
  #redis: Redis | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    // Not awaited: the agent starts while Redis is away; ioredis connects, and re-subscribes, when it can.
    const redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 5000) });
    this.#redis = redis;
    redis.on('error', (err) => this.log.warn('cancel channel: redis problem', { error: err.message }));
    redis.on('message', (_channel: string, message: string) => this.#onCancel(message.trim()));
    redis.subscribe(CANCEL_CHANNEL).catch((err: Error) => this.log.error('cannot subscribe to the cancel channel', { error: err.message }));
  }

  async stop(): Promise<void> {
    const redis = this.#redis;
    this.#redis = undefined;
    if (!redis) return;
    await redis.quit().catch(() => redis.disconnect());
  }

  /** Call `onCancel` when `jobId` is cancelled; returns the unwatch function. */
  watch(jobId: string, onCancel: () => void): () => void {
    let set = this.#watchers.get(jobId);
    if (!set) this.#watchers.set(jobId, (set = new Set()));
    set.add(onCancel);
    return () => {
      set.delete(onCancel);
      if (!set.size) this.#watchers.delete(jobId);
    };
  }

  #onCancel(jobId: string): void {
    if (!JOB_ID.test(jobId)) {
      this.log.warn('cancel channel: ignoring a message that is not a job id', { length: jobId.length });
      return;
    }
    for (const onCancel of this.#watchers.get(jobId) ?? []) onCancel();
  }
}
