import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import webPush, { WebPushError } from 'web-push';
import type { Logger } from 'pino';
import type { JobView, PushKind, PushMessage } from '@hearth/protocol';
import type { DomainBus, JobOwnerRef } from '../bus/domain-bus.js';
import type { Users } from '../accounts/users.js';
import type { VapidKeys } from './vapid.js';
import type { SubscriptionRow, SubscriptionStore } from './subscription-store.js';
import { jobMessage, pipelineMessage } from './messages.js';

export interface NotifierOptions {
  bus: DomainBus;
  store: SubscriptionStore;
  users: Users;
  vapid: VapidKeys;
  subject: string;
  log: Logger;
  /** Is this job a step of a pipeline? Its pipeline tells the family instead (one message, not one per step). */
  isPipelineStep: (jobId: string) => boolean;
  /** A push service silent this long is given up on (the message is lost, the subscription kept). */
  timeoutMs: number;
  /** Extra certificate authorities to trust (tests' push-service stand-in); default: Node's. */
  ca?: string;
  clock?: () => number;
}

/** How long a push service keeps a message for a device that is off (RFC 8030 TTL): a day. */
const TTL_S = 24 * 3600;

/**
 * Sends Web Push messages about the family's own work: a job done or failed, a comic or story
 * ready. Only the owner of the work is told (never admins, never another member), so a message
 * shows nothing the recipient could not open in the gallery. Sending happens after the event's
 * publisher has moved on, with a timeout: a slow push service never holds a job up.
 */
export class PushNotifier {
  readonly #agent: Agent;
  readonly #offs: Array<() => void>;
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor(private readonly o: NotifierOptions) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: 8, ...(o.ca ? { ca: o.ca } : {}) });
    this.#offs = [
      o.bus.on('job.succeeded', ({ job, owner }) => this.later(() => this.job('jobSucceeded', job, owner))),
      o.bus.on('job.changed', ({ job, owner, transition }) => {
        if (transition === 'failed') this.later(() => this.job('jobFailed', job, owner));
      }),
      o.bus.on('pipeline.finished', ({ pipeline, page }) =>
        this.later(() => {
          if (pipeline.ownerId === null) return [];
          const kind: PushKind = pipeline.status === 'failed' ? 'jobFailed' : (page?.notice ?? 'jobSucceeded');
          // The name the family gave the comic or story; a pipeline's own title is Hearth's English.
          const named = { id: pipeline.id, title: page?.name ?? pipeline.title };
          return this.deliveries(pipeline.ownerId, kind, (lang) => pipelineMessage(kind, named, page?.path ?? '/', lang));
        }),
      ),
    ];
  }

  /** Stop listening, abandon what is still being sent (its sockets closed). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const off of this.#offs) off();
    this.#agent.destroy();
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Messages still on their way (tests wait on these instead of sleeping). */
  get pending(): number {
    return this.#inFlight.size;
  }

  private job(kind: 'jobSucceeded' | 'jobFailed', job: JobView, owner: JobOwnerRef): Array<() => Promise<void>> {
    // Jobs Hearth or a device started have no one to tell; pipeline steps are told as their pipeline.
    if (owner.kind !== 'user' || owner.userId === null || this.o.isPipelineStep(job.id)) return [];
    return this.deliveries(owner.userId, kind, (lang) => jobMessage(kind, job, lang));
  }

  private deliveries(userId: number, kind: PushKind, message: (lang: 'en' | 'pl') => PushMessage): Array<() => Promise<void>> {
    const user = this.o.users.byId(userId);
    if (!user || user.disabled) return [];
    return this.o.store.wanting(userId, kind).map((row) => () => this.send(row, message(row.lang)));
  }

  /** Off the publisher's call stack: the event's work (a job's completion) finishes first. */
  private later(plan: () => Array<() => Promise<void>>): void {
    if (this.#closed) return;
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => (this.#closed ? [] : plan()))
      .then((sends) => Promise.allSettled(sends.map((s) => s())))
      .then(
        () => undefined,
        (err: Error) => this.o.log.warn({ err: err.message }, 'could not prepare a push notification'),
      );
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
  }

  private async send(row: SubscriptionRow, message: PushMessage): Promise<void> {
    try {
      await webPush.sendNotification({ endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } }, JSON.stringify(message), {
        vapidDetails: { subject: this.o.subject, publicKey: this.o.vapid.publicKey, privateKey: this.o.vapid.privateKey },
        TTL: TTL_S,
        timeout: this.o.timeoutMs,
        agent: this.#agent,
        urgency: 'normal',
        // RFC 8030 §5.4: a newer message about the same job replaces an undelivered older one.
        topic: topicOf(message.tag),
      });
      this.o.store.markSent(row.id, (this.o.clock ?? Date.now)());
    } catch (err) {
      // 404/410: the browser unsubscribed or the subscription expired (RFC 8030 §7.3); forget it quietly.
      if (err instanceof WebPushError && (err.statusCode === 404 || err.statusCode === 410)) {
        this.o.store.remove(row.id);
        this.o.log.info({ subscription: row.id, status: err.statusCode }, 'push subscription is gone; removed');
        return;
      }
      const status = err instanceof WebPushError ? err.statusCode : undefined;
      this.o.log.warn({ subscription: row.id, service: new URL(row.endpoint).host, status, err: (err as Error).message }, 'push notification not delivered');
    }
  }
}

/** A Topic header is at most 32 base64url characters: a digest of the tag. */
function topicOf(tag: string): string {
  return createHash('sha256').update(tag).digest('base64url').slice(0, 32);
}
