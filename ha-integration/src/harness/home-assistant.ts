import { freePort, tempDir, waitFor } from '@hearth/testkit';
import type { Connection, HassEntity, MessageBase } from 'home-assistant-js-websocket';
import { HomeAssistantClient } from './client.js';
import { writeConfigDir, type ConfigDirOptions } from './config-dir.js';
import { HassProcess } from './hass-process.js';
import { createOwnerToken } from './onboarding.js';
import { HA_VERSIONS, haRuntime, type HaVersion } from './runtime.js';

export interface StartHomeAssistantOptions extends Omit<ConfigDirOptions, 'httpPort' | 'version'> {
  /** Which Home Assistant (default: the oldest supported, 2024.3.3). */
  version?: HaVersion;
  /** How long one start may take until HA reports RUNNING (default 180 s). */
  startTimeoutMs?: number;
}

export interface HomeAssistant {
  version: HaVersion;
  url: string;
  /** Long-lived access token of the owner (admin). */
  token: string;
  configDir: string;
  client: HomeAssistantClient;
  /** Everything hass printed since the first start. */
  logs(): string;
  /** Stops HA cleanly and starts it again on the same port and config dir. */
  restart(): Promise<void>;
  /** Stops HA, closes the websocket and removes the config dir. */
  stop(): Promise<void>;
  callService(domain: string, service: string, data?: Record<string, unknown>): Promise<HassEntity[]>;
  getState(entityId: string): Promise<HassEntity | null>;
  getStates(): Promise<HassEntity[]>;
  waitForState(entityId: string, predicate: (state: HassEntity) => boolean, timeoutMs?: number): Promise<HassEntity>;
  waitForEntity(predicate: (state: HassEntity) => boolean, timeoutMs?: number): Promise<HassEntity>;
  renderTemplate(template: string): Promise<string>;
  connection(): Promise<Connection>;
  sendWs<T>(message: MessageBase): Promise<T>;
  /** Runs an automation now and resolves with how its stored trace ended (see HomeAssistantClient.runAutomation). */
  runAutomation(entityId: string, options?: { skipCondition?: boolean; timeoutMs?: number }): Promise<string | null>;
}

interface CoreConfig {
  state?: string;
  recovery_mode?: boolean;
  safe_mode?: boolean;
}

function tail(text: string, lines = 60): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Polls until `check` is truthy; fails early with HA's output if hass died meanwhile. */
async function untilReady<T>(hass: HassProcess, check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  try {
    return await waitFor(
      async () => {
        if (!hass.running) throw new Error(hass.exitReason);
        return check();
      },
      { timeoutMs, intervalMs: 200, what },
    );
  } catch (err) {
    throw new Error(`Home Assistant did not become ready (${(err as Error).message})\n--- hass output ---\n${tail(hass.logs())}`, { cause: err });
  }
}

async function httpStatus(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  } catch {
    return undefined; // not listening yet
  }
}

async function untilRunning(hass: HassProcess, url: string, token: string, timeoutMs: number): Promise<void> {
  await untilReady(
    hass,
    async () => {
      const res = await httpStatus(`${url}/api/config`, { authorization: `Bearer ${token}` });
      if (res?.status !== 200) return undefined;
      const config = res.body as CoreConfig;
      if (config.recovery_mode || config.safe_mode) throw new Error('Home Assistant started in recovery mode');
      return config.state === 'RUNNING' ? true : undefined;
    },
    timeoutMs,
    'state RUNNING',
  );
}

/**
 * Starts a real Home Assistant (2024.3 from the cached venv, 2026.11 from the cached forky root)
 * with a generated config dir in a temp dir, creates its owner through onboarding, and waits until
 * it is RUNNING.
 */
export async function startHomeAssistant(opts: StartHomeAssistantOptions = {}): Promise<HomeAssistant> {
  const timeoutMs = opts.startTimeoutMs ?? 180_000;
  const version = opts.version ?? HA_VERSIONS[0];
  const runtime = await haRuntime(version);
  const dir = await tempDir('hearth-ha-');
  const httpPort = await freePort();
  const url = `http://127.0.0.1:${httpPort}`;
  const hass = new HassProcess(runtime, dir.path);
  let client: HomeAssistantClient | undefined;

  try {
    await writeConfigDir(dir.path, { ...opts, httpPort, version });
    hass.start();
    // Onboarding's views exist once the onboarding integration is set up (stage 1).
    await untilReady(hass, async () => ((await httpStatus(`${url}/api/onboarding`))?.status === 200 ? true : undefined), timeoutMs, 'the onboarding API');
    const token = await createOwnerToken(url);
    await untilRunning(hass, url, token, timeoutMs);
    const c = new HomeAssistantClient(url, token);
    client = c;

    return {
      version,
      url,
      token,
      configDir: dir.path,
      client: c,
      logs: () => hass.logs(),
      async restart() {
        await c.close();
        await hass.stop();
        hass.start();
        await untilRunning(hass, url, token, timeoutMs);
      },
      async stop() {
        await c.close();
        await hass.stop();
        await dir.remove();
      },
      callService: (domain, service, data) => c.callService(domain, service, data),
      getState: (entityId) => c.getState(entityId),
      getStates: () => c.getStates(),
      waitForState: (entityId, predicate, ms) => c.waitForState(entityId, predicate, ms),
      waitForEntity: (predicate, ms) => c.waitForEntity(predicate, ms),
      renderTemplate: (template) => c.renderTemplate(template),
      connection: () => c.connection(),
      sendWs: <T>(message: MessageBase) => c.sendWs<T>(message),
      runAutomation: (entityId, options) => c.runAutomation(entityId, options),
    };
  } catch (err) {
    await client?.close();
    await hass.stop();
    await dir.remove();
    throw err;
  }
}
