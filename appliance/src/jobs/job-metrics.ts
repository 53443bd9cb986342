import { Counter, Gauge, type Registry } from 'prom-client';
import { CAPABILITIES } from '@hearth/protocol';
import type { Broker } from './broker.js';
import type { JobStore } from './job-store.js';
import type { DomainBus } from '../bus/domain-bus.js';

/** Queue depth per capability and jobs waiting for a GPU (read at scrape time), jobs by type and status (from `job.changed`). Returns the unsubscribe. */
export function jobMetrics(registry: Registry, broker: Broker, store: JobStore, bus: DomainBus): () => void {
  new Gauge({
    name: 'hearth_job_queue_depth',
    help: 'Jobs in bee-queue per capability and state (waiting, active, delayed)',
    labelNames: ['capability', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const cap of CAPABILITIES) {
        const d = await broker.depth(cap).catch(() => null);
        if (!d) continue;
        for (const [state, n] of Object.entries(d)) this.set({ capability: cap, state }, n);
      }
    },
  });
  new Gauge({
    name: 'hearth_jobs_waiting_for_gpu',
    help: 'Jobs waiting for a GPU agent to come online',
    registers: [registry],
    collect() {
      this.set(store.withStatus('waiting_for_gpu').length);
    },
  });
  const transitions = new Counter({
    name: 'hearth_jobs_total',
    help: 'Jobs reaching each status, by type (created, running, succeeded, failed, cancelled)',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
  });
  return bus.on('job.changed', ({ job, transition }) => {
    if (transition) transitions.inc({ type: job.type, status: transition });
  });
}
