import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from './support.js';

interface Panel {
  id: number;
  title: string;
  targets: { expr: string }[];
}

describe('monitoring', () => {
  it('Prometheus scrapes the appliance and the agent on their metrics ports', async () => {
    const conf = parse(await readFile(join(REPO, 'monitoring/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    const jobs = Object.fromEntries(conf.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs['hearth-appliance']!.metrics_path).toBe('/metrics');
    expect(jobs['hearth-appliance']!.static_configs[0]!.targets[0]).toMatch(/:8080$/);
    expect(jobs['hearth-gpu-agent']!.static_configs[0]!.targets[0]).toMatch(/:9464$/);
  });

  it('the dashboard queries only documented metrics, from jobs Prometheus scrapes', async () => {
    const dash = JSON.parse(await readFile(join(REPO, 'monitoring/grafana-dashboard.json'), 'utf8')) as { uid: string; panels: Panel[] };
    const documented = new Set([...(await readFile(join(REPO, 'monitoring/README.md'), 'utf8')).matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!));
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const used = new Set<string>();
    for (const p of dash.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) {
        expect(t.expr, p.title).toMatch(/job="hearth-(appliance|gpu-agent)"/);
        for (const m of t.expr.matchAll(/\b((?:hearth|process)_[a-z_]+?)(?:_bucket|_count|_sum)?\{/g)) used.add(m[1]!);
      }
    }
    for (const metric of used) expect(documented, metric).toContain(metric);
    for (const wanted of [
      'hearth_http_request_duration_seconds',
      'hearth_queue_depth',
      'hearth_jobs_total',
      'hearth_agent_gpu_utilization_percent',
      'hearth_agent_gpu_temperature_celsius',
      'hearth_agent_gpu_memory_used_bytes',
    ]) {
      expect(used).toContain(wanted);
    }
  });
});
