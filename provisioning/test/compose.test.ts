import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './support.js';

type Service = Record<string, unknown> & { profiles?: string[]; deploy?: { resources?: { reservations?: { devices?: Record<string, unknown>[] } } } };
let compose: { services: Record<string, Service>; volumes: Record<string, unknown> };
let validate: ReturnType<Ajv['compile']>;

beforeAll(async () => {
  // The Compose Specification's own schema, vendored with its source and license (see SOURCE.md).
  const schema = JSON.parse(await readFile(join(REPO, 'provisioning/test/fixtures/compose-spec/compose-spec.json'), 'utf8'));
  delete schema.$schema; // draft-07, ajv's default; the https spelling is not a registered meta-schema id
  validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  compose = parse(await readFile(join(REPO, 'compose.yml'), 'utf8'), { merge: true });
});

describe('compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema catches a broken service (the check can fail)', () => {
    const broken = structuredClone(compose);
    (broken.services.redis as Record<string, unknown>).restart_policy = 'always';
    (broken.services.appliance as Record<string, unknown>).ports = [{ target: 'eighty' }];
    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toMatch(/restart_policy|additionalProperties/);
  });

  it('has the stack, with the agent only in the gpu profile holding an NVIDIA reservation', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['appliance', 'caddy', 'gpu-agent', 'homeassistant', 'mosquitto', 'redis']);
    expect(compose.services['gpu-agent']!.profiles).toEqual(['gpu']);
    for (const name of ['redis', 'mosquitto', 'homeassistant', 'appliance', 'caddy']) expect(compose.services[name]!.profiles, name).toBeUndefined();
    expect(compose.services['gpu-agent']!.deploy?.resources?.reservations?.devices).toEqual([
      { driver: 'nvidia', count: 'all', capabilities: ['gpu', 'utility', 'compute'] },
    ]);
  });

  it('persists Redis with AOF and a password, and keeps passwords out of the file', async () => {
    const redis = compose.services.redis as { command: string[]; volumes: string[] };
    expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--requirepass']));
    expect(redis.volumes).toContain('redis-data:/data');
    expect(redis.command[redis.command.indexOf('--requirepass') + 1]).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    // Every secret-bearing value comes from .env by interpolation, never a literal in the file.
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries((service.environment ?? {}) as Record<string, string>)) {
        const secretBearing = /PASSWORD|TOKEN/.test(key) || value.includes('@');
        if (secretBearing) expect(value, `${name}.${key}`).toMatch(/\$\{(REDIS_PASSWORD|MQTT_[A-Z]+_PASSWORD|AGENT_TOKEN)\b/);
      }
    }
  });

  it("puts Caddy in front with the repository's Caddyfile, and the appliance trusts exactly that one hop", () => {
    const caddy = compose.services.caddy as {
      image: string;
      volumes: string[];
      ports: string[];
      environment: Record<string, string>;
      networks: { default: { ipv4_address: string } };
    };
    const appliance = compose.services.appliance as { volumes: string[]; environment: Record<string, string> };
    expect(caddy.image).toMatch(/^caddy:2\b/);
    expect(caddy.volumes).toEqual(expect.arrayContaining(['./provisioning/Caddyfile:/etc/caddy/Caddyfile:ro', 'caddy-data:/data', 'hub-ca:/hub-ca']));
    expect(caddy.ports).toEqual(['80:80', '443:443']);
    expect(caddy.environment.HEARTH_UPSTREAM).toBe('appliance:8080');
    // Compose interpolation: the default a variable falls back to.
    const fallback = (v: string) => /^\$\{[A-Z_]+:-([^}]+)\}$/.exec(v)?.[1];
    const proxyIp = fallback(caddy.networks.default.ipv4_address);
    expect(appliance.environment.HEARTH_TRUST_PROXY).toBe(caddy.networks.default.ipv4_address);
    const subnet = fallback(
      (compose as unknown as { networks: { default: { ipam: { config: Array<{ subnet: string }> } } } }).networks.default.ipam.config[0]!.subnet,
    )!;
    expect(proxyIp?.split('.').slice(0, 3)).toEqual(subnet.split('/')[0]!.split('.').slice(0, 3));
    expect(subnet).toMatch(/\/24$/);
    // The root certificate reaches the appliance read-only, through the hub-ca volume.
    expect(appliance.volumes).toContain('hub-ca:/hub-ca:ro');
    expect(appliance.environment.HEARTH_CA_CERT).toBe('/hub-ca/root.crt');
  });

  it('builds images from Dockerfiles that run as a non-root user with a /healthz check', async () => {
    for (const [service, file] of [
      ['appliance', 'appliance/Dockerfile'],
      ['gpu-agent', 'gpu-agent/Dockerfile'],
    ] as const) {
      expect((compose.services[service] as { build: { dockerfile: string } }).build.dockerfile).toBe(file);
      const text = await readFile(join(REPO, file), 'utf8');
      expect(text).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
      expect(text).toMatch(/^USER node$/m);
      expect(text).toMatch(/^HEALTHCHECK .*\n\s+CMD .*\/healthz/m);
      // The runtime stage runs the bundle with production packages only: no tsx, no sources.
      expect(text).toMatch(new RegExp(`^CMD \\["node", "--max-semi-space-size=1", "${service}/dist/main\\.js"\\]$`, 'm'));
      expect(text).toMatch(new RegExp(`npm ci --omit=dev .*--workspace ${service}`));
      const runtime = text.slice(text.lastIndexOf('\nFROM '));
      expect(runtime).not.toMatch(/tsx|npm ci(?! --omit)|src\//);
      expect((compose.services[service] as { command: string[] }).command).toEqual(['node', '--max-semi-space-size=1', `${service}/dist/main.js`]);
    }
  });
});
