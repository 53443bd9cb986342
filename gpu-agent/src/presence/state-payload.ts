import type { AgentState } from '../agent-state.js';
import { GPU_STATE_KEYS, gpuStateKey } from './entities.js';

const GPU_FIELDS = Object.entries(GPU_STATE_KEYS) as Array<[keyof typeof GPU_STATE_KEYS, string]>;

/** The retained JSON on `hearth/agent/<id>/state` that every HA sensor reads through its value_template. */
export function statePayload(state: AgentState, at = Date.now()): string {
  const gpus: Record<string, Record<string, unknown>> = {};
  for (const g of state.gpus) {
    const out: Record<string, unknown> = {};
    for (const [field, key] of GPU_FIELDS) out[key] = g[field];
    gpus[gpuStateKey(g.index)] = out;
  }
  return JSON.stringify({
    at: new Date(at).toISOString(),
    accepting: state.accepting,
    capabilities: state.capabilities,
    telemetry: state.telemetry,
    host: state.host ? { cpu_percent: state.host.cpuPercent, memory_percent: state.host.memoryPercent } : null,
    gpus,
    job: state.currentJob ? { id: state.currentJob.jobId, type: state.currentJob.type } : null,
    jobs_done: state.jobsDone,
  });
}
