import { resolve } from 'node:path';

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
  /** Trust X-Forwarded-* from a reverse proxy (enables Secure cookies behind TLS termination). */
  trustProxy: boolean;
  /** The URL people open; used in invite links. Defaults to http://<host>:<port>. */
  publicUrl: string | undefined;
  logLevel: string;
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
    trustProxy: env.HEARTH_TRUST_PROXY === '1' || env.HEARTH_TRUST_PROXY === 'true',
    publicUrl: env.HEARTH_PUBLIC_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
