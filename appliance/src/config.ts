import { isIP } from 'node:net';
import { resolve } from 'node:path';

/** false: no proxy; a number: that many proxy hops in front; a list: the proxies' addresses or CIDRs. */
export type TrustProxy = false | number | string[];

/** Everything the appliance reads from its environment, resolved once at start. */
export interface ApplianceConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Unset: the appliance spawns a private redis-server. */
  redisUrl: string | undefined;
  /** Unset: the appliance runs an embedded MQTT broker. */
  mqttUrl: string | undefined;
  /** Embedded broker only: the address it listens on (default loopback: nothing on the LAN reaches it). */
  mqttHost?: string;
  /** Embedded broker only: a fixed port; unset = 1883 or the port saved at the first start. */
  mqttPort?: number;
  /** Trust X-Forwarded-* from these reverse proxies only (enables Secure cookies behind TLS termination). */
  trustProxy: TrustProxy;
  /** The URL people open; used in invite links. Defaults to http://<host>:<port>. */
  publicUrl: string | undefined;
  logLevel: string;
  /** Bearer token Prometheus sends for /metrics; unset: only loopback callers get metrics. */
  metricsToken?: string;
  /** Seals settings' secrets into backups (downloads and the CLI); unset: backups leave them out. */
  backupKey?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApplianceConfig {
  const port = Number(env.HEARTH_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HEARTH_PORT must be a port number, got "${env.HEARTH_PORT}"`);
  const mqttPort = env.HEARTH_MQTT_PORT ? Number(env.HEARTH_MQTT_PORT) : undefined;
  if (mqttPort !== undefined && (!Number.isInteger(mqttPort) || mqttPort < 1 || mqttPort > 65535)) throw new Error(`HEARTH_MQTT_PORT must be a port number, got "${env.HEARTH_MQTT_PORT}"`);
  return {
    host: env.HEARTH_HOST ?? '0.0.0.0',
    port,
    dataDir: resolve(env.HEARTH_DATA_DIR ?? 'data'),
    redisUrl: env.REDIS_URL || undefined,
    mqttUrl: env.MQTT_URL || undefined,
    mqttHost: env.HEARTH_MQTT_HOST || '127.0.0.1',
    mqttPort,
    trustProxy: parseTrustProxy(env.HEARTH_TRUST_PROXY),
    publicUrl: env.HEARTH_PUBLIC_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    metricsToken: parseMetricsToken(env.HEARTH_METRICS_TOKEN),
    backupKey: parseBackupKey(env.HEARTH_BACKUP_KEY),
  };
}

/**
 * HEARTH_TRUST_PROXY: a hop count ("1" = the one proxy in front; "true" means the same) or a
 * comma-separated list of proxy addresses / CIDRs. Never "every hop": a client could then forge
 * X-Forwarded-For and pick its own address for the login lock and the audit log.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === '0' || value === 'false' || value === 'off') return false;
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new Error(`HEARTH_TRUST_PROXY must be a small number of proxy hops, got ${value}`);
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  for (const e of entries) {
    const [addr, bits, extra] = e.split('/');
    const family = isIP(addr ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !bitsOk || extra !== undefined) {
      throw new Error(`HEARTH_TRUST_PROXY must be a number of hops or proxy addresses/CIDRs separated by commas; "${e}" is neither`);
    }
  }
  return entries;
}

function parseBackupKey(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw.length < 12) throw new Error('HEARTH_BACKUP_KEY must be at least 12 characters');
  return raw;
}

function parseMetricsToken(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^[\x21-\x7e]{16,200}$/.test(raw)) throw new Error('HEARTH_METRICS_TOKEN must be 16–200 printable characters without spaces');
  return raw;
}
