import { startMosquitto, startRedis, tempDir, type MosquittoInstance, type RedisInstance } from '@hearth/testkit';
import { startAppliance, type RunningAppliance, type StartOptions } from '../../src/server.js';
import type { ApplianceConfig } from '../../src/config.js';
import { HttpClient } from './http-client.js';
import { productCapabilities } from '../../src/capabilities.js';
import { DEFAULT_JOB_SETTINGS } from '../../src/settings/schema.js';

export interface TestAppliance {
  running: RunningAppliance;
  url: string;
  dataDir: string;
  redis: RedisInstance;
  mosquitto: MosquittoInstance;
  config: ApplianceConfig;
  /** Stop the appliance (keeping Redis, Mosquitto and the data dir) and start it again. */
  restart(): Promise<void>;
  /** Stop everything and delete the data dir. */
  close(): Promise<void>;
  /** An HTTP client for this appliance with its own cookie jar. */
  client(): HttpClient;
  /** Create the admin (first run) and return a logged-in client. */
  admin(): Promise<HttpClient>;
  /** A logged-in client for a new user of `role`, invited by `admin`. */
  user(admin: HttpClient, role: 'admin' | 'member' | 'child', username?: string): Promise<HttpClient>;
}

const PASSWORD = 'family password 123';
let counter = 0;

/**
 * A real appliance on a free port with a private Redis, a private Mosquitto and a temp data dir.
 * `product: true` registers every product capability (as `npm start` does).
 */
export async function startTestAppliance(
  options: StartOptions & {
    redis?: RedisInstance;
    mosquitto?: MosquittoInstance;
    product?: boolean;
    logLevel?: string;
    config?: Partial<ApplianceConfig>;
  } = {},
): Promise<TestAppliance> {
  const opts: StartOptions & { redis?: RedisInstance; mosquitto?: MosquittoInstance } = options.product
    ? { ...options, capabilities: (c, log, config) => productCapabilities(config, c, log) }
    : options;
  const redis = opts.redis ?? (await startRedis());
  const mosquitto = opts.mosquitto ?? (await startMosquitto());
  const dir = await tempDir('hearth-appliance-');
  const config: ApplianceConfig = {
    host: '127.0.0.1',
    port: 0,
    dataDir: dir.path,
    redisUrl: redis.url,
    mqttUrl: mosquitto.url,
    trustProxy: false,
    publicUrl: undefined,
    logLevel: options.logLevel ?? process.env.HEARTH_TEST_LOG ?? 'silent',
    ...options.config,
  };
  let running = await startAppliance(config, opts);
  const t: TestAppliance = {
    get running() {
      return running;
    },
    get url() {
      return running.url;
    },
    dataDir: config.dataDir,
    redis,
    mosquitto,
    config,
    async restart() {
      const port = Number(new URL(running.url).port);
      await running.stop();
      running = await startAppliance({ ...config, port }, opts);
    },
    async close() {
      await running.stop();
      if (!opts.redis) await redis.close();
      if (!opts.mosquitto) await mosquitto.close();
      await dir.remove();
    },
    client: () => new HttpClient(running.url),
    async admin() {
      const c = new HttpClient(running.url);
      const res = await c.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: PASSWORD });
      if (res.status !== 201) throw new Error(`onboarding failed: ${res.status} ${res.text}`);
      return c;
    },
    async user(admin, role, username = `${role}${++counter}`) {
      const invite = await admin.post('/api/admin/invites', { role });
      if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${invite.text}`);
      const token = String(invite.json.url).split('#')[1];
      const c = new HttpClient(running.url);
      const res = await c.post('/api/invites/accept', { token, username, displayName: username, password: PASSWORD });
      if (res.status !== 201) throw new Error(`accept failed: ${res.status} ${res.text}`);
      return c;
    },
  };
  return t;
}

export { PASSWORD as TEST_PASSWORD };

/**
 * Let jobs that no known computer can run wait instead of being refused (Admin → Settings), for
 * tests about something else that submit jobs before any agent has joined.
 */
export async function letJobsWaitForAComputer(t: TestAppliance): Promise<void> {
  await t.running.app.settings.update((s) => {
    s.jobs = { quotas: DEFAULT_JOB_SETTINGS.quotas, ...s.jobs, queueWithoutComputer: true };
  });
}
