import type { HomeAssistantLink } from '../home-assistant/connection.js';

/** The blueprint's path as Home Assistant imports it (ha-integration/blueprints/automation/…). */
export const NOTIFY_BLUEPRINT = 'hearth/notify_job_finished.yaml';
const ASK_MS = 3000;

export type HaNotifyState = 'on' | 'off' | 'unknown' | 'not-connected';

/**
 * Whether Home Assistant tells the family about jobs itself: an automation made from Hearth's
 * notify blueprint that is switched on. Asked of HA each time (its search API), never stored.
 */
export async function haNotifyState(link: HomeAssistantLink | undefined): Promise<HaNotifyState> {
  if (!link || link.status.state !== 'connected') return 'not-connected';
  try {
    const related = await Promise.race([
      link.send<{ automation?: string[] }>({ type: 'search/related', item_type: 'automation_blueprint', item_id: NOTIFY_BLUEPRINT }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Home Assistant did not answer')), ASK_MS).unref()),
    ]);
    return (related.automation ?? []).some((id) => link.entity(id)?.state === 'on') ? 'on' : 'off';
  } catch {
    return 'unknown';
  }
}
