import { GettingStarted } from '../components/getting-started.js';
import { isActive, JobSummary } from '../components/job-summary.js';
import { ErrorNotice, Loading, NotAvailable } from '../components/notice.js';
import { Badge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';
import { useLiveJobs } from '../live/use-live-jobs.js';
import { useLiveEvent, useResync } from '../live/use-live.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';
import type { Agent, Job, Quota } from '../types.js';
import { useResource } from '../use-resource.js';
import { availabilityKey } from './labels.js';

export function HomePage() {
  const { t } = useI18n();
  const user = useUser();
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('home.hello', { name: user.displayName })}</h1>
      {user.role === 'admin' && <GettingStarted />}
      <div class="grid-2">
        <QuotaCard />
        <AgentsCard />
      </div>
      <RecentJobs />
    </section>
  );
}

function RecentJobs() {
  const { t } = useI18n();
  const user = useUser();
  const jobs = useResource<{ jobs: Job[] }>('/api/jobs?scope=mine&limit=10');
  useLiveJobs(
    (change) => jobs.set((d) => ({ ...d, jobs: change(d.jobs) })),
    (j) => j.ownerId === user.id,
  );
  useResync(() => jobs.reload());
  const list = jobs.data?.jobs ?? [];
  return (
    <section class="card stack" aria-labelledby="recent-h">
      <div class="row spread">
        <h2 id="recent-h">{t('home.recentJobs')}</h2>
        <Link href="/jobs/new" class="button primary">
          {t('nav.newJob')}
        </Link>
      </div>
      {jobs.loading && !jobs.data && <Loading />}
      {jobs.missing ? <NotAvailable /> : <ErrorNotice error={jobs.error} />}
      {jobs.data && list.length === 0 && <p class="muted">{t('home.noJobs')}</p>}
      <ul class="plain stack" aria-label={t('home.recentJobs')}>
        {list.map((j) => (
          <JobSummary key={j.id} job={j} />
        ))}
      </ul>
      {list.some(isActive) && <p class="muted small">{t('home.liveHint')}</p>}
    </section>
  );
}

function QuotaCard() {
  const { t, tn, formatDate } = useI18n();
  const quota = useResource<Quota>('/api/quota');
  useLiveEvent('job', () => quota.reload());
  useResync(() => quota.reload());
  return (
    <section class="card" aria-labelledby="quota-h">
      <h2 id="quota-h">{t('home.quota')}</h2>
      {quota.missing ? <NotAvailable /> : <ErrorNotice error={quota.error} />}
      {quota.data && (
        <>
          <p class="big" data-testid="quota-remaining">
            {quota.data.limit === null
              ? t('home.quotaUnlimited', { used: quota.data.used })
              : tn('home.quotaLeft', quota.data.remaining ?? 0, { limit: quota.data.limit })}
          </p>
          <p class="muted small">{t('home.quotaResets', { when: formatDate(quota.data.resetsAt) })}</p>
        </>
      )}
    </section>
  );
}

function AgentsCard() {
  const { t } = useI18n();
  const agents = useResource<{ agents: Agent[] }>('/api/agents');
  useLiveEvent('agent', (a) =>
    agents.set((d) => ({ agents: d.agents.some((x) => x.agentId === a.agentId) ? d.agents.map((x) => (x.agentId === a.agentId ? a : x)) : [...d.agents, a] })),
  );
  return (
    <section class="card" aria-labelledby="agents-h">
      <h2 id="agents-h">{t('home.agents')}</h2>
      {agents.missing ? <NotAvailable /> : <ErrorNotice error={agents.error} />}
      {agents.data?.agents.length === 0 && <p class="muted">{t('home.noAgents')}</p>}
      <ul class="plain stack">
        {agents.data?.agents.map((a) => (
          <li key={a.agentId}>
            <div class="row spread">
              <strong>{a.name}</strong>
              <Badge kind={a.availability} messageKey={availabilityKey(a.availability)} />
            </div>
            {a.gpus.map((g) => (
              <p key={g.index} class="muted small">
                {g.name}:{' '}
                {t('home.gpuLine', {
                  util: g.utilizationPct ?? '–',
                  used: g.memoryUsedMiB ?? '–',
                  total: g.memoryTotalMiB ?? '–',
                  temp: g.temperatureC ?? '–',
                  power: g.powerW === null ? '–' : Math.round(g.powerW),
                })}
              </p>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
