import { HttpError } from '../http/errors.js';

/** Domains admins may control from the portal. Everything else stays Home Assistant's business. */
export const CONTROLLABLE_DOMAINS = new Set([
  'light',
  'switch',
  'fan',
  'cover',
  'climate',
  'scene',
  'script',
  'media_player',
  'input_boolean',
  'button',
  'lock',
  'alarm_control_panel',
]);

/** Doors and alarms: a misclick must not open the house. */
export const NEEDS_CONFIRMATION = new Set(['lock', 'alarm_control_panel']);

/** What the kiosk may toggle, when the admin allowed it for that entity. */
export const TOGGLEABLE_DOMAINS = new Set(['light', 'switch', 'fan', 'input_boolean']);

export const domainOf = (entityId: string) => entityId.slice(0, entityId.indexOf('.'));

/** Refuse what Hearth will not do, with a reason a person understands. */
export function checkServiceCall(domain: string, entityIds: string[], confirm: boolean | undefined): void {
  if (!CONTROLLABLE_DOMAINS.has(domain)) {
    throw new HttpError(403, `Hearth does not control "${domain}" entities; allowed: ${[...CONTROLLABLE_DOMAINS].join(', ')}`);
  }
  const foreign = entityIds.find((id) => domainOf(id) !== domain);
  if (foreign) throw new HttpError(400, `body.entityId "${foreign}" is not a ${domain} entity`);
  if (NEEDS_CONFIRMATION.has(domain) && confirm !== true) {
    throw new HttpError(400, `Changing a ${domain.replaceAll('_', ' ')} needs confirmation: send "confirm": true`);
  }
}
