import type { HassEntity } from 'home-assistant-js-websocket';
import type { HomeAssistantLink } from './connection.js';
import { CONTROLLABLE_DOMAINS, domainOf } from './service-policy.js';

interface AreaEntry {
  area_id: string;
  name: string;
}
interface DeviceEntry {
  id: string;
  area_id: string | null;
}
interface EntityEntry {
  entity_id: string;
  area_id: string | null;
  device_id: string | null;
  hidden_by: string | null;
  disabled_by: string | null;
  entity_category: string | null;
}

export interface EntityView {
  entityId: string;
  name: string;
  state: string;
  attributes: Record<string, unknown>;
  lastChanged: string;
  controllable: boolean;
}

export interface AreaView {
  areaId: string | null;
  name: string;
  domains: Array<{ domain: string; entities: EntityView[] }>;
}

export const toEntityView = (s: HassEntity): EntityView => ({
  entityId: s.entity_id,
  name: typeof s.attributes.friendly_name === 'string' ? s.attributes.friendly_name : s.entity_id,
  state: s.state,
  attributes: s.attributes,
  lastChanged: s.last_changed,
  controllable: CONTROLLABLE_DOMAINS.has(domainOf(s.entity_id)),
});

export async function listAreas(link: HomeAssistantLink): Promise<Array<{ areaId: string; name: string }>> {
  const areas = await link.send<AreaEntry[]>({ type: 'config/area_registry/list' });
  return areas.map((a) => ({ areaId: a.area_id, name: a.name })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Entities grouped by area, then domain. An entity's area is its own, else its device's; hidden,
 * disabled, and config/diagnostic entities are left out, as HA's own dashboards do.
 */
export async function entitiesByArea(link: HomeAssistantLink): Promise<AreaView[]> {
  const [areas, devices, registry] = await Promise.all([
    listAreas(link),
    link.send<DeviceEntry[]>({ type: 'config/device_registry/list' }),
    link.send<EntityEntry[]>({ type: 'config/entity_registry/list' }),
  ]);
  const deviceArea = new Map(devices.map((d) => [d.id, d.area_id]));
  const entries = new Map(registry.map((e) => [e.entity_id, e]));
  const groups = new Map<string | null, Map<string, EntityView[]>>();
  for (const state of link.entities()) {
    const entry = entries.get(state.entity_id);
    if (entry && (entry.hidden_by || entry.disabled_by || entry.entity_category)) continue;
    const areaId = entry?.area_id ?? (entry?.device_id ? (deviceArea.get(entry.device_id) ?? null) : null);
    const byDomain = groups.get(areaId) ?? new Map<string, EntityView[]>();
    groups.set(areaId, byDomain);
    const domain = domainOf(state.entity_id);
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), toEntityView(state)]);
  }
  const names = new Map(areas.map((a) => [a.areaId, a.name]));
  return [...groups]
    .map(([areaId, byDomain]) => ({
      areaId,
      name: areaId === null ? 'No area' : (names.get(areaId) ?? areaId),
      domains: [...byDomain]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([domain, entities]) => ({ domain, entities: entities.sort((a, b) => a.name.localeCompare(b.name)) })),
    }))
    .sort((a, b) => (a.areaId === null ? 1 : b.areaId === null ? -1 : a.name.localeCompare(b.name)));
}
