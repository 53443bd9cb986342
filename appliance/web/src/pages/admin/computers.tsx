import type { AgentsResponse, Capability, KnownComputerView } from '@hearth/protocol';
import { ErrorNotice, Loading } from '../../components/notice.js';
import { Badge } from '../../components/status-badge.js';
import type { MessageKey } from '../../i18n/en.js';
import { useI18n } from '../../i18n/i18n.js';
import { useLiveEvent } from '../../live/use-live.js';
import type { Agent } from '../../types.js';
import { useResource } from '../../use-resource.js';
import { availabilityKey } from '../labels.js';
import { ComputerBackends } from './computer-backends.js';

// A record, not a built key: a new capability without its words is a type error, not an id on screen.
const CAP_KEYS: Record<Capability, MessageKey> = {
  builtin: 'computers.cap.builtin',
  comfyui: 'computers.cap.comfyui',
  llm: 'computers.cap.llm',
  speech: 'computers.cap.speech',
  video: 'computers.cap.video',
};
const capKey = (c: Capability): MessageKey => CAP_KEYS[c];

/** One row per computer: what is live now (registry) joined with what SQLite remembers. */
function rows(data: AgentsResponse): Array<{ live: Agent | undefined; known: KnownComputerView | undefined; id: string }> {
  const ids = [...new Set([...(data.known ?? []).map((k) => k.agentId), ...data.agents.map((a) => a.agentId)])].sort();
  return ids.map((id) => ({ id, live: data.agents.find((a) => a.agentId === id), known: data.known?.find((k) => k.agentId === id) }));
}

/** Admin → Computers: what each computer offers, its GPUs, how to wake it, and the servers it uses (editable). */
export function ComputersPage() {
  const { t, formatDate } = useI18n();
  const res = useResource<AgentsResponse>('/api/agents');
  useLiveEvent('agent', (a) => {
    // A computer not remembered yet: fetch again so its MACs and past capabilities come too.
    if (!res.data?.known?.some((k) => k.agentId === a.agentId)) return res.reload();
    res.set((d) => ({
      ...d,
      agents: d.agents.some((x) => x.agentId === a.agentId) ? d.agents.map((x) => (x.agentId === a.agentId ? a : x)) : [...d.agents, a],
    }));
  });
  const list = res.data ? rows(res.data) : [];
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.computers')}</h1>
      <ErrorNotice error={res.error} />
      {res.loading && !res.data && <Loading />}
      {res.data && list.length === 0 && <p class="muted">{t('computers.none')}</p>}
      <ul class="plain stack">
        {list.map(({ id, live, known }) => {
          const state = live?.availability ?? 'offline';
          const lastSeen = live?.lastSeen ?? known?.lastSeen ?? null;
          const ever = known?.capabilities ?? [];
          return (
            <li key={id} class="card stack" data-computer={id} data-state={state} aria-labelledby={`computer-${id}`}>
              <div class="row spread wrap">
                <h2 id={`computer-${id}`}>
                  {live?.name ?? known?.name ?? id} <span class="muted small">({id})</span>
                </h2>
                <Badge kind={state} messageKey={availabilityKey(state)} />
              </div>
              <dl class="stack">
                <dt>{t('computers.offersNow')}</dt>
                <dd data-caps="now">{live && live.capabilities.length > 0 ? live.capabilities.map((c) => t(capKey(c))).join(', ') : t('computers.nothing')}</dd>
                <dt>{t('computers.offeredEver')}</dt>
                <dd data-caps="ever">{ever.length > 0 ? ever.map((c) => t(capKey(c))).join(', ') : t('computers.nothing')}</dd>
                <dt>{t('computers.gpus')}</dt>
                <dd>
                  {live && live.gpus.length > 0 ? (
                    <ul class="plain">
                      {live.gpus.map((g) => (
                        <li key={g.index} data-gpu={g.index}>
                          {g.name}:{' '}
                          {t('home.gpuLine', {
                            util: g.utilizationPct ?? '–',
                            used: g.memoryUsedMiB ?? '–',
                            total: g.memoryTotalMiB ?? '–',
                            temp: g.temperatureC ?? '–',
                            power: g.powerW === null ? '–' : Math.round(g.powerW),
                          })}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    t('computers.noGpus')
                  )}
                </dd>
                <dt>{t('computers.lastSeen')}</dt>
                <dd>{lastSeen === null ? t('common.unknown') : formatDate(lastSeen)}</dd>
                <dt>{t('computers.macs')}</dt>
                <dd data-macs>{known && known.macs.length > 0 ? known.macs.join(', ') : t('computers.noMacs')}</dd>
              </dl>
              <ComputerBackends agentId={id} backends={res.data?.backends?.[id]} online={state === 'online'} onSaved={res.reload} />
            </li>
          );
        })}
      </ul>
      <aside class="card stack" aria-labelledby="computers-help-h">
        <h2 id="computers-help-h">{t('computers.helpTitle')}</h2>
        <p>{t('computers.helpComfy')}</p>
        <p>{t('computers.helpLlm')}</p>
        <p>{t('computers.helpDocs')}</p>
      </aside>
    </section>
  );
}
