import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { PushNotifier } from './notifier.js';
import { pushRoutes } from './routes.js';
import { SubscriptionStore, subscriptionView } from './subscription-store.js';
import { vapidKeys, vapidSubject } from './vapid.js';

export interface PushPluginOptions {
  log: Logger;
  publicUrl?: string;
  /** How long a push service may stay silent before a message is given up (default 10 s). */
  sendTimeoutMs?: number;
  /** Tests only: accept endpoints on this machine, and trust this CA for them. */
  testPushService?: { ca: string };
}

/**
 * Web Push notifications (an encapsulated capability): subscriptions per device, and a notifier
 * that listens on the domain bus for finished jobs and pipelines.
 */
export async function pushPlugin(app: FastifyInstance, opts: PushPluginOptions): Promise<void> {
  const store = new SubscriptionStore(app.db);
  const vapid = await vapidKeys(app.settings);
  const stale = store.removeStale(vapid.publicKey);
  if (stale) opts.log.info({ removed: stale }, 'push subscriptions made with an earlier key were removed; those devices turn notifications on again');
  const notifier = new PushNotifier({
    bus: app.bus,
    store,
    users: app.users,
    vapid,
    subject: vapidSubject(opts.publicUrl),
    log: opts.log,
    isPipelineStep: (jobId) => app.hasDecorator('pipelines') && app.pipelines.store.pipelineOfJob(jobId) !== undefined,
    timeoutMs: opts.sendTimeoutMs ?? 10_000,
    ...(opts.testPushService ? { ca: opts.testPushService.ca } : {}),
  });
  app.addHook('onClose', async () => notifier.close());
  // The member's devices belong in "Export my data"; their keys are the browser's secret, not the member's data.
  app.accountExport.add('pushSubscriptions', (userId) =>
    store.ofUser(userId).map((row) => {
      const { endpoint: _endpoint, ...view } = subscriptionView(row);
      return view;
    }),
  );
  await app.register(pushRoutes, {
    store,
    vapid,
    allowPrivateEndpoints: opts.testPushService !== undefined,
    homeAssistant: () => (app.hasDecorator('homeAssistant') ? app.homeAssistant : undefined),
  });
}
