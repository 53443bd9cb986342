import { afterEach, describe, expect, it } from 'vitest';
import { AgentState } from '../agent-state.js';
import { AgentBus } from '../bus.js';
import { createLogger } from '../log.js';
import { MetricsServer } from './metrics-server.js';

let server: MetricsServer | undefined;
afterEach(() => server?.stop());

const gpu = {
  index: 0,
  uuid: 'GPU-1',
  name: 'NVIDIA GeForce RTX 4070',
  utilizationPercent: 87,
  memoryUsedMiB: 2048,
  memoryTotalMiB: 12282,
  temperatureC: 64,
  powerDrawW: 180.5,
  powerLimitW: 200,
  fanPercent: null,
  clockGraphicsMHz: 2500,
  clockMemoryMHz: 10501,
  pstate: 'P2',
  throttleReasons: [],
};

describe('agent metrics', () => {
  it('exposes GPU telemetry and job counts for Prometheus, and a health check', async () => {
    const bus = new AgentBus(() => undefined);
    const state = new AgentState(bus);
    server = new MetricsServer({ port: 0, host: '127.0.0.1', version: '9.9.9', bus, state, log: createLogger('error', 'test') });
    await server.start();
    bus.emit('telemetry', { at: Date.now(), gpus: [gpu], host: { cpuPercent: 5, memoryPercent: 40 } });
    bus.emit('job.started', { jobId: 'j1', type: 'image.upscale' });
    bus.emit('job.succeeded', { jobId: 'j1', type: 'image.upscale' });
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(text).toContain('hearth_agent_gpu_utilization_percent{gpu="0",model="NVIDIA GeForce RTX 4070",service="hearth-gpu-agent"} 87');
    expect(text).toContain(`hearth_agent_gpu_memory_used_bytes{gpu="0",model="NVIDIA GeForce RTX 4070",service="hearth-gpu-agent"} ${2048 * 1024 * 1024}`);
    expect(text).toContain('hearth_agent_jobs_total{type="image.upscale",outcome="succeeded",service="hearth-gpu-agent"} 1');
    expect(text).toContain('hearth_agent_jobs_running{service="hearth-gpu-agent"} 0');
    // A value the driver does not report is absent, not a fake zero.
    expect(text).not.toMatch(/hearth_agent_gpu_fan_percent\{/);
    expect(await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json()).toEqual({ status: 'ok', version: '9.9.9' });
  });
});
