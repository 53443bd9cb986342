import { isLiveStatus } from '@hearth/protocol/plain';
import { useI18n } from '../i18n/i18n.js';
import { cancelledBy, jobStatusKey, jobTitle, jobTypeKey, stageText } from '../pages/labels.js';
import { Link } from '../router.js';
import type { Job } from '../types.js';
import { ProgressBar } from './progress-bar.js';
import { Badge } from './status-badge.js';

export const isActive = (j: Job) => isLiveStatus(j.status);

/** One job in a list: title as text, status, and a live bar while it runs. */
export function JobSummary({ job }: { job: Job }) {
  const { t, formatDate } = useI18n();
  const typeName = t(jobTypeKey(job.type));
  const title = jobTitle(job, t);
  const canceller = job.status === 'cancelled' ? cancelledBy(job.error) : null;
  return (
    <li class="job-summary card">
      <div class="row spread">
        <Link href={`/jobs/${encodeURIComponent(job.id)}`} class="job-title">
          {title}
        </Link>
        <Badge kind={job.status} messageKey={jobStatusKey(job.status)} />
      </div>
      <p class="muted small">
        {typeName} · {formatDate(job.createdAt)}
        {canceller ? ` · ${t('job.cancelledBy', { name: canceller })}` : ''}
      </p>
      {job.status === 'waiting_for_gpu' && job.wait?.state === 'wake' && (
        <p class="small">{t('wait.wakingShort', { names: job.wait.computers.map((c) => c.name).join(', ') })}</p>
      )}
      {job.status === 'running' && (
        <ProgressBar
          fraction={job.progress?.fraction ?? 0}
          stage={job.progress?.stage ? stageText(job.progress.stage, t) : undefined}
          label={t('job.progressOf', { title })}
        />
      )}
    </li>
  );
}
