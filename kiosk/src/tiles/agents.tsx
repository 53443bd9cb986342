import type { AgentView } from '../types.js';
import { useT } from '../i18n/i18n.js';

const gib = (mib: number | null) => (mib === null ? '–' : (mib / 1024).toFixed(1));

/** GPU machines: online / asleep / offline, and per GPU its load, temperature and memory. */
export function Agents({ agents }: { agents: AgentView[] }) {
  const t = useT();
  if (!agents.some((a) => a.gpus.length > 0)) {
    const cpu = agents.filter((a) => a.availability === 'online').length;
    return (
      <div class="agents-none" data-tile="agents">
        {t('agents.noGpu')}
        {cpu > 0 ? ` · ${t.plural('agents.cpuHelpers', cpu)}` : ''}
      </div>
    );
  }
  return (
    <ul class="agents" data-tile="agents">
      {agents.map((a) => (
        <li key={a.agentId} class={`agent agent-${a.availability}`} data-agent={a.agentId}>
          <div class="agent-line">
            <span class="agent-name">{a.name}</span>
            <span class="agent-state">{t(`agents.${a.availability}`)}</span>
          </div>
          {a.availability === 'online' &&
            a.gpus.map((g) => (
              <div key={g.index} class="gpu">
                <span class="gpu-util">{g.utilizationPct ?? '–'}%</span>
                <span class="gpu-temp">{g.temperatureC ?? '–'}°C</span>
                <span class="gpu-mem">
                  {gib(g.memoryUsedMiB)}/{gib(g.memoryTotalMiB)} GiB
                </span>
              </div>
            ))}
        </li>
      ))}
    </ul>
  );
}
