/**
 * Typed builders for Home Assistant MQTT discovery payloads, shared by the gpu-agent and the appliance.
 *
 * Two wire forms are supported:
 * - per-component: one retained message per entity on `<prefix>/<component>/<node_id>/<object_id>/config`.
 *   The only form HA ≤ 2024.10 understands (our test HA is 2024.3.3); still supported by current HA.
 * - device-based: one retained message on `<prefix>/device/<device_id>/config` holding `dev`, `o` and
 *   `cmps` (one entry per component, each with its platform `p`). HA ≥ 2024.11.
 *
 * Field names follow HA's MQTT platform schemas (unabbreviated, so payloads stay readable); only the
 * device-based envelope uses the short keys the spec names (`dev`, `o`, `cmps`, `p`).
 * HA discovery schemas drop keys they do not know, so newer optional fields are harmless on old HA.
 */

export const HA_COMPONENTS = ['sensor', 'binary_sensor', 'button', 'switch', 'event', 'select'] as const;
export type HaComponent = (typeof HA_COMPONENTS)[number];

/** `homeassistant/device/<id>/config` and the ids inside topics: HA allows `[a-zA-Z0-9_-]`. */
const TOPIC_ID = /^[a-zA-Z0-9_-]+$/;

export interface HaDevice {
  identifiers: string[];
  name: string;
  model?: string;
  manufacturer?: string;
  sw_version?: string;
  hw_version?: string;
  /** Must be an http(s) URL for HA to accept it. */
  configuration_url?: string;
  connections?: Array<[string, string]>;
  suggested_area?: string;
}

export interface HaOrigin {
  name: string;
  sw_version?: string;
  support_url?: string;
}

export interface HaAvailability {
  topic: string;
  payload_available?: string;
  payload_not_available?: string;
  /** Renders the received payload into `payload_available` / `payload_not_available`. */
  value_template?: string;
}

export type HaEntityCategory = 'config' | 'diagnostic';

/** Options every entity platform accepts. */
export interface HaEntityBase {
  /** Entity name without the device name (HA prefixes the device name itself). `null` = the device's main feature. */
  name: string | null;
  unique_id: string;
  icon?: string;
  entity_category?: HaEntityCategory;
  enabled_by_default?: boolean;
  availability?: HaAvailability[];
  availability_mode?: 'all' | 'any' | 'latest';
  json_attributes_topic?: string;
  json_attributes_template?: string;
  qos?: 0 | 1 | 2;
}

export interface HaSensorConfig extends HaEntityBase {
  state_topic: string;
  value_template?: string;
  device_class?: string;
  unit_of_measurement?: string;
  state_class?: 'measurement' | 'total' | 'total_increasing';
  suggested_display_precision?: number;
  /** Allowed states of an `enum` sensor (honoured by HA ≥ 2024.9; ignored before). */
  options?: string[];
  expire_after?: number;
  force_update?: boolean;
}

export interface HaBinarySensorConfig extends HaEntityBase {
  state_topic: string;
  value_template?: string;
  device_class?: string;
  payload_on?: string;
  payload_off?: string;
  expire_after?: number;
}

export interface HaButtonConfig extends HaEntityBase {
  command_topic: string;
  payload_press?: string;
  device_class?: 'identify' | 'restart' | 'update';
  retain?: boolean;
}

export interface HaSwitchConfig extends HaEntityBase {
  command_topic: string;
  state_topic?: string;
  value_template?: string;
  payload_on?: string;
  payload_off?: string;
  state_on?: string;
  state_off?: string;
  device_class?: 'outlet' | 'switch';
  optimistic?: boolean;
  retain?: boolean;
}

export interface HaEventConfig extends HaEntityBase {
  state_topic: string;
  /** The payload is JSON with an `event_type` key; other keys become the event's attributes. */
  event_types: string[];
  value_template?: string;
  device_class?: 'button' | 'doorbell' | 'motion';
}

export interface HaSelectConfig extends HaEntityBase {
  command_topic: string;
  options: string[];
  state_topic?: string;
  value_template?: string;
  command_template?: string;
  optimistic?: boolean;
  retain?: boolean;
}

interface ConfigByComponent {
  sensor: HaSensorConfig;
  binary_sensor: HaBinarySensorConfig;
  button: HaButtonConfig;
  switch: HaSwitchConfig;
  event: HaEventConfig;
  select: HaSelectConfig;
}

/** One entity: its platform, the id used in topics and entity ids, and its platform config. */
export type HaEntity = {
  [C in HaComponent]: { component: C; objectId: string; config: ConfigByComponent[C] };
}[HaComponent];

function entity<C extends HaComponent>(component: C, objectId: string, config: ConfigByComponent[C]): HaEntity {
  if (!TOPIC_ID.test(objectId)) throw new Error(`HA object id "${objectId}" must match ${TOPIC_ID}`);
  return { component, objectId, config } as HaEntity;
}

export const haSensor = (objectId: string, config: HaSensorConfig) => entity('sensor', objectId, config);
export const haBinarySensor = (objectId: string, config: HaBinarySensorConfig) => entity('binary_sensor', objectId, config);
export const haButton = (objectId: string, config: HaButtonConfig) => entity('button', objectId, config);
export const haSwitch = (objectId: string, config: HaSwitchConfig) => entity('switch', objectId, config);
export const haEvent = (objectId: string, config: HaEventConfig) => entity('event', objectId, config);
export const haSelect = (objectId: string, config: HaSelectConfig) => entity('select', objectId, config);

export const HA_DISCOVERY_MODES = ['component', 'device'] as const;
export type HaDiscoveryMode = (typeof HA_DISCOVERY_MODES)[number];

export interface HaDiscoveryMessage {
  topic: string;
  /** JSON text; an empty string clears the retained config (HA removes the entity). */
  payload: string;
}

export interface HaDeviceDiscovery {
  prefix: string;
  /** Topic id of the device: the per-component `node_id` and the device-based `<id>`. */
  nodeId: string;
  device: HaDevice;
  origin: HaOrigin;
  entities: HaEntity[];
}

export function componentDiscoveryTopic(prefix: string, component: HaComponent, nodeId: string, objectId: string): string {
  return `${prefix}/${component}/${nodeId}/${objectId}/config`;
}

export function deviceDiscoveryTopic(prefix: string, nodeId: string): string {
  return `${prefix}/device/${nodeId}/config`;
}

/**
 * The entity id, for every HA in both forms: HA ≤ 2025.9 derives it from `object_id`; 2025.10 and
 * later read `default_entity_id` (`<domain>.<id>`) and ignore `object_id`. Without either, HA builds
 * the id from the device and entity names (`sensor.family_pc_cpu`), and the package, dashboard and
 * README ids would not exist.
 */
function withEntityId(e: HaEntity): Record<string, unknown> {
  return { ...e.config, object_id: e.objectId, default_entity_id: `${e.component}.${e.objectId}` };
}

/** Per-component form: one message per entity, each carrying the device and origin. */
export function componentDiscoveryMessages(d: HaDeviceDiscovery): HaDiscoveryMessage[] {
  checkNodeId(d.nodeId);
  return d.entities.map((e) => ({
    topic: componentDiscoveryTopic(d.prefix, e.component, d.nodeId, e.objectId),
    payload: JSON.stringify({ ...withEntityId(e), device: d.device, origin: d.origin }),
  }));
}

/**
 * Device-based form. `removed` lists components published earlier that no longer exist: the spec
 * removes one by sending it with only its platform key, after which it may be left out.
 */
export function deviceDiscoveryMessage(d: HaDeviceDiscovery, removed: Array<{ component: HaComponent; objectId: string }> = []): HaDiscoveryMessage {
  checkNodeId(d.nodeId);
  const cmps: Record<string, Record<string, unknown>> = {};
  for (const r of removed) cmps[r.objectId] = { p: r.component };
  for (const e of d.entities) cmps[e.objectId] = { p: e.component, ...withEntityId(e) };
  return { topic: deviceDiscoveryTopic(d.prefix, d.nodeId), payload: JSON.stringify({ dev: d.device, o: d.origin, cmps }) };
}

/** The topic each entity's config lives on in a given mode (device mode: all share one). */
export function discoveryTopicsOf(d: Pick<HaDeviceDiscovery, 'prefix' | 'nodeId' | 'entities'>, mode: HaDiscoveryMode): string[] {
  return mode === 'device'
    ? [deviceDiscoveryTopic(d.prefix, d.nodeId)]
    : d.entities.map((e) => componentDiscoveryTopic(d.prefix, e.component, d.nodeId, e.objectId));
}

/** Parses a per-component config topic back into its parts (for stale-entity cleanup). */
export function parseComponentDiscoveryTopic(prefix: string, topic: string): { component: HaComponent; nodeId: string; objectId: string } | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== prefix || parts[4] !== 'config') return null;
  const [, component, nodeId, objectId] = parts as [string, string, string, string];
  if (!(HA_COMPONENTS as readonly string[]).includes(component) || !TOPIC_ID.test(nodeId) || !TOPIC_ID.test(objectId)) return null;
  return { component: component as HaComponent, nodeId, objectId };
}

function checkNodeId(nodeId: string) {
  if (!TOPIC_ID.test(nodeId)) throw new Error(`HA node id "${nodeId}" must match ${TOPIC_ID}`);
}
