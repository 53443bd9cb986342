import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AgentState } from '../agent-state.js';
import type { AgentBus } from '../bus.js';
import type { Extension } from '../extension.js';
import type { Logger } from '../log.js';

const MIB = 1024 * 1024;

/**
 * Prometheus `/metrics` and a `/healthz` for container health checks, on the agent's own port.
 * Values come from the bus, so scraping never runs nvidia-smi.
 */
export class MetricsServer implements Extension {
  readonly name = 'metrics';
  private server: Server | undefined;
  private readonly registry = new Registry();

  constructor(private readonly opts: { port: number; host?: string; version: string; bus: AgentBus; state: AgentState; log: Logger }) {
    const { bus, state } = opts;
    const r = [this.registry];
    this.registry.setDefaultLabels({ service: 'hearth-gpu-agent' });
    collectDefaultMetrics({ register: this.registry });
    const gpu = (name: string, help: string) => new Gauge({ name, help, labelNames: ['gpu', 'model'] as const, registers: r });
    const util = gpu('hearth_agent_gpu_utilization_percent', 'GPU utilization');
    const temp = gpu('hearth_agent_gpu_temperature_celsius', 'GPU temperature');
    const memUsed = gpu('hearth_agent_gpu_memory_used_bytes', 'GPU memory in use');
    const memTotal = gpu('hearth_agent_gpu_memory_total_bytes', 'GPU memory in all');
    const power = gpu('hearth_agent_gpu_power_watts', 'GPU power draw');
    const fan = gpu('hearth_agent_gpu_fan_percent', 'GPU fan speed');
    new Gauge({
      name: 'hearth_agent_jobs_running',
      help: 'Jobs this agent is running',
      registers: r,
      collect() {
        this.set(state.currentJob ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hearth_agent_accepting_jobs',
      help: '1 while the agent takes new jobs',
      registers: r,
      collect() {
        this.set(state.accepting ? 1 : 0);
      },
    });
    const jobs = new Counter({ name: 'hearth_agent_jobs_total', help: 'Jobs finished by this agent', labelNames: ['type', 'outcome'] as const, registers: r });

    bus.on('telemetry', (snapshot) => {
      for (const g of snapshot.gpus) {
        const labels = { gpu: String(g.index), model: g.name ?? 'unknown' };
        const set = (gauge: Gauge<'gpu' | 'model'>, value: number | null, scale = 1) =>
          value === null ? gauge.remove(labels) : gauge.set(labels, value * scale);
        set(util, g.utilizationPercent);
        set(temp, g.temperatureC);
        set(memUsed, g.memoryUsedMiB, MIB);
        set(memTotal, g.memoryTotalMiB, MIB);
        set(power, g.powerDrawW);
        set(fan, g.fanPercent);
      }
    });
    bus.on('job.succeeded', (j) => jobs.inc({ type: j.type, outcome: 'succeeded' }));
    bus.on('job.failed', (j) => jobs.inc({ type: j.type, outcome: 'failed' }));
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/metrics') {
        this.registry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
          () => res.writeHead(500).end(),
        );
      } else if (req.method === 'GET' && req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version: this.opts.version }));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
      }
    });
    await new Promise<void>((resolve) => {
      // A taken port must not keep the agent from doing its real work.
      server.once('error', (err) => {
        this.opts.log.warn('metrics server not started', { error: err.message, port: this.opts.port });
        resolve();
      });
      server.listen(this.opts.port, this.opts.host ?? '0.0.0.0', () => {
        this.server = server;
        resolve();
      });
    });
  }

  /** The port actually bound (0 asks the OS for one). */
  get port(): number | undefined {
    const addr = this.server?.address();
    return addr && typeof addr === 'object' ? addr.port : undefined;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
