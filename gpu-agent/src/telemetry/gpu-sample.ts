/** One GPU's readings at one moment; `null` = the driver reports the value as unavailable. */
export interface GpuSample {
  index: number;
  uuid: string | null;
  name: string | null;
  utilizationPercent: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
  fanPercent: number | null;
  clockGraphicsMHz: number | null;
  clockMemoryMHz: number | null;
  pstate: string | null;
  /** Names of the active clock event (throttle) reasons; `[]` = none; `null` = not reported. */
  throttleReasons: string[] | null;
}

export interface HostLoadSample {
  cpuPercent: number;
  memoryPercent: number;
}

export interface TelemetrySnapshot {
  /** ms since epoch */
  at: number;
  gpus: GpuSample[];
  host: HostLoadSample;
}

export const GPU_NUMERIC_METRICS = [
  'utilizationPercent',
  'memoryUsedMiB',
  'memoryTotalMiB',
  'temperatureC',
  'powerDrawW',
  'powerLimitW',
  'fanPercent',
  'clockGraphicsMHz',
  'clockMemoryMHz',
] as const satisfies ReadonlyArray<keyof GpuSample>;
export type GpuNumericMetric = (typeof GPU_NUMERIC_METRICS)[number];
