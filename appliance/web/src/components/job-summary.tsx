import { isLiveStatus } from '@hearth/protocol/plain';
import { useI18n } from '../i18n/i18n.js';
import { jobStatusKey } from '../pages/labels.js';
import { Link } from '../router.js';
import type { Job } from '../types.js';
import { ProgressBar } from './progress-bar.js';
import { Badge } from './status-badge.js';

export const isActive = (j: Job) => isLiveStatus(j.status);

/** One job in a list: title as text, status, and a live bar while it runs. */
export function JobSummary({ job }: { job: Job }) {
  const { t, formatDate } = useI18n();
  return (
    <li class="job-summary card">
      <div class="row spread">
        <Link href={`/jobs/${encodeURIComponent(job.id)}`} class="job-title">{job.title || job.type}</Link>
        <Badge kind={job.status} messageKey={jobStatusKey(job.status)} />
      </div>
      <p class="muted small">{job.type} · {formatDate(job.createdAt)}</p>
      {job.status === 'running' && <ProgressBar fraction={job.progress?.fraction ?? 0} stage={job.progress?.stage} label={t('job.progressOf', { title: job.title || job.type })} />}
    </li>
  );
}
