/** One automation per Hearth blueprint, wired to the entity ids the tests publish (agent "pc"). */
export interface WakeTarget {
  mac: string;
  address: string;
  port: number;
}

export interface NightSchedule {
  start: string;
  end: string;
}

export const AUTOMATION_IDS = {
  'automation/hearth/wake_gpu_pc.yaml': 'automation.hearth_wake_gpu_pc',
  'automation/hearth/notify_job_finished.yaml': 'automation.hearth_notify_job_finished',
  'automation/hearth/suspend_idle_pc.yaml': 'automation.hearth_suspend_idle_pc',
  'automation/hearth/kiosk_night_mode.yaml': 'automation.hearth_kiosk_night_mode',
} as const;

/**
 * `suspendIdleMinutes` replaces the package's helper with a fixed number (tests use 0, so the
 * conditions can be checked without waiting minutes).
 */
export function blueprintAutomations(wake: WakeTarget, night: NightSchedule = { start: '21:00:00', end: '07:00:00' }, suspendIdleMinutes?: number): unknown[] {
  return [
    {
      id: 'hearth_wake_gpu_pc',
      alias: 'Hearth wake GPU PC',
      use_blueprint: {
        path: 'hearth/wake_gpu_pc.yaml',
        input: {
          jobs_waiting_sensor: 'sensor.hearth_jobs_waiting_for_gpu',
          mac: wake.mac,
          broadcast_address: wake.address,
          broadcast_port: wake.port,
          waiting_seconds: 1,
        },
      },
    },
    {
      id: 'hearth_notify_job_finished',
      alias: 'Hearth notify job finished',
      use_blueprint: {
        path: 'hearth/notify_job_finished.yaml',
        input: { job_event: 'event.hearth_pc_job', notify_service: 'persistent_notification.create' },
      },
    },
    {
      id: 'hearth_suspend_idle_pc',
      alias: 'Hearth suspend idle PC',
      use_blueprint: {
        path: 'hearth/suspend_idle_pc.yaml',
        input: {
          current_job_sensor: 'sensor.hearth_pc_current_job',
          power_state_sensor: 'sensor.hearth_pc_power_state',
          jobs_waiting_sensor: 'sensor.hearth_jobs_waiting_for_gpu',
          suspend_button: 'button.hearth_pc_suspend',
          ...(suspendIdleMinutes === undefined ? { idle_minutes_helper: 'input_number.hearth_gpu_idle_minutes' } : { idle_minutes: suspendIdleMinutes }),
        },
      },
    },
    {
      id: 'hearth_kiosk_night_mode',
      alias: 'Hearth kiosk night mode',
      use_blueprint: {
        path: 'hearth/kiosk_night_mode.yaml',
        input: { night_mode_switch: 'switch.hearth_kiosk_night_mode', schedule: 'times', night_start: night.start, night_end: night.end },
      },
    },
  ];
}
