import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { FormatRegistry, Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `hint` says how a person writes the value; `secret` keeps it out of the error message. */
interface EnvAnnotations {
  hint: string;
  secret?: boolean;
}

/**
 * Every environment variable the appliance reads, with its type, bounds, default and a hint for
 * people. Adding a setting is one entry here (values arrive as strings and are converted to the
 * schema's type: "8080" → 8080, "true"/"1" → true) plus the field it feeds in `loadConfig`.
 */
export const ApplianceEnv = Type.Object({
  HEARTH_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, hint: 'a port number from 0 to 65535' }),
  HEARTH_HOST: Type.String({ pattern: '^[A-Za-z0-9.:_%-]{1,255}$', default: '0.0.0.0', hint: 'a host name or an IP address to listen on' }),
  HEARTH_DATA_DIR: Type.String({ minLength: 1, maxLength: 4096, default: 'data', hint: 'a folder' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://\\S+$', maxLength: 2048, hint: 'a redis:// or rediss:// URL', secret: true })),
  MQTT_URL: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?)://\\S+$', maxLength: 2048, hint: 'an mqtt://, mqtts://, ws:// or wss:// URL', secret: true })),
  HEARTH_TRUST_PROXY: Type.String({
    format: 'hearth-trust-proxy',
    default: 'false',
    hint: 'false, a number of proxy hops up to 10 ("true" is 1) or proxy addresses/CIDRs separated by commas',
  }),
  HEARTH_CA_CERT: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, hint: 'the path of the HTTPS proxy’s root certificate (PEM)' })),
  HEARTH_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/?#]+(/\\S*)?$', maxLength: 2048, hint: 'an http:// or https:// URL' })),
  LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((l) => Type.Literal(l)),
    { default: 'info', hint: `one of ${LOG_LEVELS.join(', ')}` },
  ),
  HEARTH_SQLITE_CACHE_MIB: Type.Integer({ minimum: 1, maximum: 1024, default: 8, hint: 'a whole number of MiB from 1 to 1024' }),
  HEARTH_MQTT_HOST: Type.String({
    pattern: '^[A-Za-z0-9.:_%-]{1,255}$',
    default: '127.0.0.1',
    hint: 'a host name or an IP address for the embedded broker to listen on',
  }),
  HEARTH_MQTT_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, hint: 'a port number from 1 to 65535' })),
  HEARTH_METRICS_TOKEN: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{16,200}$', hint: '16–200 printable characters without spaces', secret: true })),
  HEARTH_BACKUP_KEY: Type.Optional(Type.String({ minLength: 12, maxLength: 1024, hint: 'at least 12 characters', secret: true })),
});
export type ApplianceEnv = Static<typeof ApplianceEnv>;

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
  /** The HTTPS proxy's root certificate (PEM) that phones download to trust the hub; unset: none (development). */
  hubCaCert?: string;
  /** The URL people open; used in invite links. Defaults to http://<host>:<port>. */
  publicUrl: string | undefined;
  logLevel: string;
  /** SQLite's page cache per connection (default 8 MiB): a fixed bound instead of SQLite's default. */
  sqliteCacheMiB?: number;
  /** Bearer token Prometheus sends for /metrics; unset: only loopback callers get metrics. */
  metricsToken?: string;
  /** Seals settings' secrets into backups (downloads and the CLI); unset: backups leave them out. */
  backupKey?: string;
}

/** Every wrong value at once, one line each: the process reports them all and exits. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`the configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads the variables of `schema` from `source`: empty means unset, strings are converted to the
 * schema's types, defaults filled in. Throws a ConfigError naming each variable that is wrong.
 */
export function parseEnv<S extends TObject>(schema: S, source: NodeJS.ProcessEnv): Static<S> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = source[name]?.trim();
    if (value) raw[name] = value;
  }
  const converted = Value.Convert(schema, { ...raw }) as Record<string, unknown>;
  // Convert truncates "80.5" to an integer; a whole number must be written as one.
  for (const [name, text] of Object.entries(raw)) {
    if ((schema.properties[name] as TSchema).type === 'integer' && !/^[+-]?\d+$/.test(text)) converted[name] = text;
  }
  const value = Value.Default(schema, converted) as Record<string, unknown>;
  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const name = error.path.split('/')[1];
    if (!name || problems.has(name)) continue;
    const { hint, secret } = schema.properties[name] as unknown as EnvAnnotations;
    problems.set(name, `${name} must be ${hint}${secret ? '' : `, got "${raw[name]}"`}`);
  }
  if (problems.size) throw new ConfigError([...problems.values()]);
  return value as Static<S>;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): ApplianceConfig {
  const e = parseEnv(ApplianceEnv, source);
  return {
    host: e.HEARTH_HOST,
    port: e.HEARTH_PORT,
    dataDir: resolve(e.HEARTH_DATA_DIR),
    redisUrl: e.REDIS_URL,
    mqttUrl: e.MQTT_URL,
    mqttHost: e.HEARTH_MQTT_HOST,
    mqttPort: e.HEARTH_MQTT_PORT,
    trustProxy: parseTrustProxy(e.HEARTH_TRUST_PROXY),
    hubCaCert: e.HEARTH_CA_CERT,
    publicUrl: e.HEARTH_PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    sqliteCacheMiB: e.HEARTH_SQLITE_CACHE_MIB,
    metricsToken: e.HEARTH_METRICS_TOKEN,
    backupKey: e.HEARTH_BACKUP_KEY,
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
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
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

FormatRegistry.Set('hearth-trust-proxy', (value) => {
  try {
    parseTrustProxy(value);
    return true;
  } catch {
    return false;
  }
});
