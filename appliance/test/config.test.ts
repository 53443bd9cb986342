import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@hearth/testkit';
import { ApplianceEnv, ConfigError, loadConfig, parseEnv } from '../src/config.js';

const REPO = resolve(import.meta.dirname, '..', '..');

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('HEARTH_* configuration', () => {
  it('has defaults for everything and converts strings to the schema types', () => {
    expect(loadConfig({})).toEqual({
      host: '0.0.0.0',
      port: 8080,
      dataDir: resolve('data'),
      redisUrl: undefined,
      mqttUrl: undefined,
      mqttHost: '127.0.0.1',
      mqttPort: undefined,
      trustProxy: false,
      publicUrl: undefined,
      logLevel: 'info',
      sqliteCacheMiB: 8,
      metricsToken: undefined,
      backupKey: undefined,
    });
    const c = loadConfig({
      HEARTH_PORT: ' 9090 ',
      HEARTH_HOST: '127.0.0.1',
      HEARTH_DATA_DIR: '/var/lib/hearth',
      REDIS_URL: 'redis://:pw@10.0.0.2:6379',
      MQTT_URL: 'mqtt://appliance:pw@10.0.0.2:1883',
      HEARTH_TRUST_PROXY: '1',
      HEARTH_PUBLIC_URL: 'https://hearth.example/',
      LOG_LEVEL: 'debug',
      HEARTH_SQLITE_CACHE_MIB: '4',
    });
    expect(c).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
      dataDir: '/var/lib/hearth',
      trustProxy: 1,
      publicUrl: 'https://hearth.example/',
      logLevel: 'debug',
      sqliteCacheMiB: 4,
    });
    expect(loadConfig({ HEARTH_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ HEARTH_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ HEARTH_TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['10.0.0.1', '10.0.0.0/8']);
    expect(loadConfig({ HEARTH_MQTT_PORT: '1884', HEARTH_MQTT_HOST: '0.0.0.0' })).toMatchObject({ mqttPort: 1884, mqttHost: '0.0.0.0' });
    // An empty value (VAR= in an environment file) means unset.
    expect(loadConfig({ REDIS_URL: '', HEARTH_PORT: '' })).toMatchObject({ redisUrl: undefined, port: 8080 });
  });

  it('names each wrong value once, with how to write it, and lists them all together', () => {
    expect(problems({ HEARTH_PORT: '80a' })).toEqual(['HEARTH_PORT must be a port number from 0 to 65535, got "80a"']);
    expect(problems({ HEARTH_PORT: '70000' })).toEqual(['HEARTH_PORT must be a port number from 0 to 65535, got "70000"']);
    expect(problems({ HEARTH_PORT: '80.5' })).toEqual(['HEARTH_PORT must be a port number from 0 to 65535, got "80.5"']);
    const all = problems({
      HEARTH_PORT: '-1',
      HEARTH_TRUST_PROXY: 'yes please',
      LOG_LEVEL: 'loud',
      HEARTH_PUBLIC_URL: 'hearth.local',
      HEARTH_SQLITE_CACHE_MIB: '0',
      HEARTH_HOST: 'bad host',
    });
    expect(all).toEqual([
      'HEARTH_PORT must be a port number from 0 to 65535, got "-1"',
      'HEARTH_HOST must be a host name or an IP address to listen on, got "bad host"',
      'HEARTH_TRUST_PROXY must be false, a number of proxy hops up to 10 ("true" is 1) or proxy addresses/CIDRs separated by commas, got "yes please"',
      'HEARTH_PUBLIC_URL must be an http:// or https:// URL, got "hearth.local"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'HEARTH_SQLITE_CACHE_MIB must be a whole number of MiB from 1 to 1024, got "0"',
    ]);
  });

  it('never repeats the value of a variable that can hold a password', () => {
    const p = problems({
      REDIS_URL: 'http://:hunter2hunter2@redis',
      MQTT_URL: 'tcp://u:hunter2hunter2@broker',
      HEARTH_METRICS_TOKEN: 'hunter2 hunter2',
      HEARTH_BACKUP_KEY: 'hunter2',
    });
    expect(p).toEqual([
      'REDIS_URL must be a redis:// or rediss:// URL',
      'MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// URL',
      'HEARTH_METRICS_TOKEN must be 16–200 printable characters without spaces',
      'HEARTH_BACKUP_KEY must be at least 12 characters',
    ]);
    expect(p.join('\n')).not.toContain('hunter2');
  });

  it('takes a new setting as one schema entry', () => {
    const schema = Type.Object({
      ...ApplianceEnv.properties,
      HEARTH_EXAMPLE_HOPS: Type.Integer({ minimum: 0, maximum: 5, default: 0, hint: 'a number of proxies from 0 to 5' }),
    });
    expect(parseEnv(schema, { HEARTH_EXAMPLE_HOPS: '2' }).HEARTH_EXAMPLE_HOPS).toBe(2);
    expect(() => parseEnv(schema, { HEARTH_EXAMPLE_HOPS: 'two' })).toThrow(/HEARTH_EXAMPLE_HOPS must be a number of proxies from 0 to 5, got "two"/);
  });

  it('the appliance exits non-zero at start with every problem listed, before it opens anything', async () => {
    const dir = await tempDir('hearth-config-');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'appliance/src/main.ts'], {
        cwd: REPO,
        env: { PATH: process.env.PATH, HEARTH_DATA_DIR: join(dir.path, 'data'), HEARTH_PORT: 'eighty', LOG_LEVEL: 'chatty', REDIS_URL: 'redis-at-home' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(2);
      expect(err).toContain('Hearth cannot start: the configuration has 3 problems:');
      expect(err).toContain('  - HEARTH_PORT must be a port number from 0 to 65535, got "eighty"');
      expect(err).toContain('  - REDIS_URL must be a redis:// or rediss:// URL\n');
      expect(err).toContain('  - LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "chatty"');
      // Nothing was created: the data dir is made only by a start that gets past the configuration.
      await expect(import('node:fs/promises').then((fs) => fs.stat(join(dir.path, 'data')))).rejects.toThrow(/ENOENT/);
    } finally {
      await dir.remove();
    }
  });
});
