import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HaVersion } from './runtime.js';

const integrationRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ConfigDirOptions {
  /** Port of the HTTP API, bound to 127.0.0.1. */
  httpPort: number;
  /** The Home Assistant that will read it (default 2024.3.3); HTTP settings differ by version. */
  version?: HaVersion;
  /** Private broker for the MQTT config entry; without it MQTT is not set up. */
  mqttPort?: number;
  mqttHost?: string;
  /** The broker's user for HA (the appliance's embedded broker: `homeassistant` + a Home Assistant device token). */
  mqttUsername?: string;
  mqttPassword?: string;
  /** Files under blueprints/, by path relative to it (default: Hearth's own blueprints). */
  blueprints?: Record<string, string>;
  /** Package YAML by package name, loaded with `packages: !include_dir_named packages`. */
  packages?: Record<string, string>;
  /** Automations (plain objects, e.g. `{ use_blueprint: {...} }`) written to automations.yaml. */
  automations?: unknown[];
  /** Scripts by object id, written to scripts.yaml. */
  scripts?: Record<string, unknown>;
  /** YAML appended to configuration.yaml (must not repeat a top-level key the harness writes). */
  extraYaml?: string;
  /** Any other files, by path relative to the config dir; written last. */
  configFiles?: Record<string, string>;
  /** Root log level (logs() and the checks read WARNING/ERROR lines). */
  logLevel?: 'debug' | 'info' | 'warning';
}

/** The entry id of the pre-seeded MQTT config entry. */
export const MQTT_ENTRY_ID = 'hearth0test0mqtt0entry000000001';

/**
 * A minimal configuration: no default_config, only the integrations Hearth's YAML needs. HA always
 * adds its DEFAULT_INTEGRATIONS (frontend, person, backup, ...) on top of these.
 */
function configurationYaml(opts: ConfigDirOptions): string {
  return `homeassistant:
  name: Hearth test
  latitude: 52.37
  longitude: 4.89
  elevation: 0
  unit_system: metric
  time_zone: UTC
  currency: EUR
  country: NL
  packages: !include_dir_named packages
${legacyHttpYaml(opts)}api:
websocket_api:
config:
automation: !include automations.yaml
script: !include scripts.yaml
template:
input_boolean:
input_number:
input_select:
input_datetime:
input_button:
wake_on_lan:
sun:
logger:
  default: ${opts.logLevel ?? 'warning'}
${opts.extraYaml ?? ''}
`;
}

const SERVER_HOST = '127.0.0.1';
const usesHttpStore = (opts: ConfigDirOptions) => opts.version !== undefined && opts.version !== '2024.3.3';

/** HA 2024.3 reads its HTTP settings from YAML. */
function legacyHttpYaml(opts: ConfigDirOptions): string {
  return usesHttpStore(opts) ? '' : `http:\n  server_host: ${SERVER_HOST}\n  server_port: ${opts.httpPort}\n`;
}

/**
 * HA 2026 keeps HTTP settings in `.storage/http`. An `http:` YAML section there is staged as a
 * pending config that HA reverts (to port 8123, with a restart) after five minutes unless it is
 * promoted over the websocket. A store of version 1 holds the settings as YAML had them; HA
 * migrates it to its current form as the confirmed ("stable") config, with nothing pending.
 */
function httpStore(opts: ConfigDirOptions): unknown {
  return { version: 1, minor_version: 1, key: 'http', data: { server_host: [SERVER_HOST], server_port: opts.httpPort } };
}

/**
 * `.storage/core.config_entries` in the shape HA 2024.3 stores it (Store version 1, minor 1;
 * entry fields from ConfigEntry.as_dict). MQTT broker settings are only accepted from an entry.
 */
function configEntries(opts: ConfigDirOptions): unknown {
  const entries =
    opts.mqttPort === undefined
      ? []
      : [
          {
            entry_id: MQTT_ENTRY_ID,
            version: 1,
            minor_version: 1,
            domain: 'mqtt',
            title: 'Hearth test broker',
            data: {
              broker: opts.mqttHost ?? '127.0.0.1',
              port: opts.mqttPort,
              discovery: true,
              ...(opts.mqttUsername === undefined ? {} : { username: opts.mqttUsername, password: opts.mqttPassword ?? '' }),
            },
            options: {},
            pref_disable_new_entities: false,
            pref_disable_polling: false,
            source: 'user',
            unique_id: null,
            disabled_by: null,
          },
        ];
  return { version: 1, minor_version: 1, key: 'core.config_entries', data: { entries } };
}

async function put(root: string, path: string, content: string): Promise<void> {
  const file = join(root, path);
  if (relative(root, file).startsWith('..')) throw new Error(`config file outside the config dir: ${path}`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
}

/** Writes a complete HA config dir into `dir` (which must exist). JSON is valid YAML. */
export async function writeConfigDir(dir: string, opts: ConfigDirOptions): Promise<void> {
  await put(dir, 'configuration.yaml', configurationYaml(opts));
  await put(dir, '.storage/core.config_entries', JSON.stringify(configEntries(opts), null, 2));
  if (usesHttpStore(opts)) await put(dir, '.storage/http', JSON.stringify(httpStore(opts), null, 2));
  await put(dir, 'automations.yaml', JSON.stringify(opts.automations ?? [], null, 2));
  await put(dir, 'scripts.yaml', JSON.stringify(opts.scripts ?? {}, null, 2));
  await mkdir(join(dir, 'packages'), { recursive: true });
  for (const [name, yaml] of Object.entries(opts.packages ?? {})) await put(dir, join('packages', `${name}.yaml`), yaml);
  const blueprints = opts.blueprints ?? (await hearthBlueprints());
  for (const [path, yaml] of Object.entries(blueprints)) await put(dir, join('blueprints', path), yaml);
  for (const [path, content] of Object.entries(opts.configFiles ?? {})) await put(dir, path, content);
}

async function readTree(root: string, sub = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(join(root, sub), { withFileTypes: true })) {
    const path = join(sub, entry.name);
    if (entry.isDirectory()) Object.assign(out, await readTree(root, path));
    else if (entry.name.endsWith('.yaml')) out[path] = await readFile(join(root, path), 'utf8');
  }
  return out;
}

/** Hearth's blueprints, keyed by path under blueprints/ (e.g. `automation/hearth/wake_gpu_pc.yaml`). */
export function hearthBlueprints(): Promise<Record<string, string>> {
  return readTree(join(integrationRoot, 'blueprints'));
}

/** Hearth's package, keyed by package name, ready for `packages`. */
export async function hearthPackage(): Promise<Record<string, string>> {
  return { hearth: await readFile(join(integrationRoot, 'packages', 'hearth.yaml'), 'utf8') };
}
