import { CAPABILITIES, type Capability, type KioskControl, type KioskScreenMode } from '@hearth/protocol';

export interface ApplianceState {
  /** Jobs not yet taken by an agent (queued or waiting for a GPU), per capability. */
  queue: Record<Capability, number>;
  running: Record<Capability, number>;
  jobsWaitingForGpu: number;
  agentsOnline: number;
  kiosk: KioskControl;
  /** Awake, photo frame or dark (the screen switch is on unless dark). */
  kioskMode: KioskScreenMode;
}

/** Live job rows (status + capability) folded into the counts the sensors show. */
export function jobCounts(rows: ReadonlyArray<{ capability: Capability; status: string }>): Pick<ApplianceState, 'queue' | 'running' | 'jobsWaitingForGpu'> {
  const zero = () => Object.fromEntries(CAPABILITIES.map((c) => [c, 0])) as Record<Capability, number>;
  const queue = zero();
  const running = zero();
  let jobsWaitingForGpu = 0;
  for (const r of rows) {
    if (r.status === 'queued' || r.status === 'waiting_for_gpu') queue[r.capability] += 1;
    if (r.status === 'running') running[r.capability] += 1;
    if (r.status === 'waiting_for_gpu') jobsWaitingForGpu += 1;
  }
  return { queue, running, jobsWaitingForGpu };
}

/** The retained JSON on `hearth/appliance/state` that every entity reads through its value_template (no timestamp: equal states give equal text). */
export function statePayload(s: ApplianceState): string {
  return JSON.stringify({
    queue: s.queue,
    running: s.running,
    jobs_waiting_for_gpu: s.jobsWaitingForGpu,
    agents_online: s.agentsOnline,
    kiosk_night_mode: s.kiosk.nightMode,
    kiosk_page: s.kiosk.page,
    kiosk_screen: s.kioskMode !== 'off',
    kiosk_mode: s.kioskMode,
  });
}
