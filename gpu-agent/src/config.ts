import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { APPLIANCE_NODE_ID, HA_DISCOVERY_PREFIX, NodeId } from '@hearth/protocol';
import { LOG_LEVELS } from './log.js';

const Url = (protocols: string) => Type.String({ pattern: `^(${protocols})://[^\\s]+$`, maxLength: 2048 });

/** Per-metric change that counts as "changed" for the publish policy (absolute units of each metric). */
export const Deadband = Type.Object(
  {
    utilizationPercent: Type.Number({ minimum: 0, default: 5 }),
    memoryUsedMiB: Type.Number({ minimum: 0, default: 128 }),
    memoryTotalMiB: Type.Number({ minimum: 0, default: 0 }),
    temperatureC: Type.Number({ minimum: 0, default: 2 }),
    powerDrawW: Type.Number({ minimum: 0, default: 10 }),
    powerLimitW: Type.Number({ minimum: 0, default: 0 }),
    fanPercent: Type.Number({ minimum: 0, default: 5 }),
    clockGraphicsMHz: Type.Number({ minimum: 0, default: 100 }),
    clockMemoryMHz: Type.Number({ minimum: 0, default: 100 }),
    cpuPercent: Type.Number({ minimum: 0, default: 10 }),
    memoryPercent: Type.Number({ minimum: 0, default: 5 }),
  },
  { additionalProperties: false, default: {} },
);
export type Deadband = Static<typeof Deadband>;

export const AgentConfig = Type.Object(
  {
    agentId: NodeId,
    name: Type.String({ minLength: 1, maxLength: 80 }),
    mqttUrl: Url('mqtts?|wss?'),
    redisUrl: Type.Optional(Url('rediss?')),
    applianceUrl: Type.Optional(Url('https?')),
    /** Bearer token for the appliance's agent API; never logged. */
    agentToken: Type.Optional(Type.String({ minLength: 16, maxLength: 512 })),
    dataDir: Type.String({ minLength: 1, default: './data/agent' }),
    nvidiaSmi: Type.String({ minLength: 1, default: 'nvidia-smi' }),
    telemetryIntervalMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 2000 }),
    /** Publish at least this often even when nothing changed beyond the deadband. */
    telemetryMaxIntervalS: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
    deadband: Deadband,
    /** argv of the command that suspends the machine (run without a shell). */
    suspendCommand: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 32, default: ['systemctl', 'suspend'] }),
    haDiscoveryPrefix: Type.String({ pattern: '^[a-zA-Z0-9_-]+(/[a-zA-Z0-9_-]+)*$', default: HA_DISCOVERY_PREFIX }),
    /** Upper bound of the random delay before re-announcing when HA comes online (spreads load). */
    haAnnounceJitterMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 5000 }),
    logLevel: Type.Union(
      LOG_LEVELS.map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    /** Longest wait between tries while the appliance is unreachable; the job's timeout bounds the whole wait. */
    applianceRetryMaxMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 30_000 }),
    /** Port of the Prometheus /metrics and /healthz server; absent = no server (systemd and compose set 9464). */
    metricsPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    /** A runner's worker (built-in models: tfjs) is unloaded after this long without a job; 0 keeps it. */
    modelIdleUnloadMs: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 300_000 }),
  },
  { additionalProperties: false },
);
export type AgentConfig = Static<typeof AgentConfig>;

/** Environment variable -> config key. Numbers/JSON are converted from strings. */
const ENV: Record<string, { key: keyof AgentConfig; kind: 'string' | 'number' | 'json' | 'argv' }> = {
  AGENT_ID: { key: 'agentId', kind: 'string' },
  AGENT_NAME: { key: 'name', kind: 'string' },
  MQTT_URL: { key: 'mqttUrl', kind: 'string' },
  REDIS_URL: { key: 'redisUrl', kind: 'string' },
  APPLIANCE_URL: { key: 'applianceUrl', kind: 'string' },
  AGENT_TOKEN: { key: 'agentToken', kind: 'string' },
  AGENT_DATA_DIR: { key: 'dataDir', kind: 'string' },
  NVIDIA_SMI: { key: 'nvidiaSmi', kind: 'string' },
  TELEMETRY_INTERVAL_MS: { key: 'telemetryIntervalMs', kind: 'number' },
  TELEMETRY_MAX_INTERVAL_S: { key: 'telemetryMaxIntervalS', kind: 'number' },
  TELEMETRY_DEADBAND: { key: 'deadband', kind: 'json' },
  SUSPEND_COMMAND: { key: 'suspendCommand', kind: 'argv' },
  HA_DISCOVERY_PREFIX: { key: 'haDiscoveryPrefix', kind: 'string' },
  HA_ANNOUNCE_JITTER_MS: { key: 'haAnnounceJitterMs', kind: 'number' },
  LOG_LEVEL: { key: 'logLevel', kind: 'string' },
  HEARTH_AGENT_METRICS_PORT: { key: 'metricsPort', kind: 'number' },
  HEARTH_AGENT_MODEL_IDLE_MS: { key: 'modelIdleUnloadMs', kind: 'number' },
  APPLIANCE_RETRY_MAX_MS: { key: 'applianceRetryMaxMs', kind: 'number' },
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A hostname made into a NodeId: lowercase, `[a-z0-9_-]`, ≤ 48 chars. */
export function agentIdFromHostname(host: string): string {
  const id = host
    .toLowerCase()
    .split('.')[0]!
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 48);
  return id || 'gpu-agent';
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, { key, kind }] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (kind === 'number') out[key] = /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
    else if (kind === 'argv') out[key] = raw.trim().split(/\s+/);
    else if (kind === 'json') {
      try {
        out[key] = JSON.parse(raw);
      } catch {
        throw new ConfigError(`${name} must be JSON (e.g. {"temperatureC":1})`);
      }
    } else out[key] = raw;
  }
  return out;
}

/**
 * Config from defaults < JSON file (`AGENT_CONFIG`, optional) < environment. Throws ConfigError naming
 * every bad field; secrets are never part of the message.
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<AgentConfig> {
  let file: Record<string, unknown> = {};
  if (env.AGENT_CONFIG) {
    let text: string;
    try {
      text = await readFile(env.AGENT_CONFIG, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read AGENT_CONFIG ${env.AGENT_CONFIG}: ${(err as Error).message}`);
    }
    try {
      file = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`AGENT_CONFIG ${env.AGENT_CONFIG} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new ConfigError(`AGENT_CONFIG ${env.AGENT_CONFIG} must hold a JSON object`);
  }
  const host = hostname();
  const merged: Record<string, unknown> = { agentId: agentIdFromHostname(host), name: host, mqttUrl: 'mqtt://127.0.0.1:1883', ...file, ...fromEnv(env) };
  if (merged.deadband && typeof merged.deadband === 'object') merged.deadband = { ...(merged.deadband as object) };
  const withDefaults = Value.Default(AgentConfig, merged);
  const errors = [...Value.Errors(AgentConfig, withDefaults)];
  if (errors.length) {
    const lines = errors.slice(0, 10).map((e) => `  ${e.path || '/'}: ${e.message}`);
    throw new ConfigError(`invalid agent config:\n${lines.join('\n')}`);
  }
  if ((withDefaults as AgentConfig).agentId === APPLIANCE_NODE_ID)
    throw new ConfigError(`invalid agent config:\n  /agentId: "${APPLIANCE_NODE_ID}" is the hub's own name in MQTT; choose another AGENT_ID`);
  return withDefaults as AgentConfig;
}
