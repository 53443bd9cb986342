import { useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { JobResult } from '../components/job-result.js';
import { isActive } from '../components/job-summary.js';
import { JobWaitExplained } from '../components/job-wait.js';
import { ErrorNotice, Loading, NotAvailable } from '../components/notice.js';
import { ProgressBar } from '../components/progress-bar.js';
import { Badge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';
import { useLiveEvent, useResync } from '../live/use-live.js';
import { Link } from '../router.js';
import { useSession, useUser } from '../session.js';
import type { Job } from '../types.js';
import { useResource } from '../use-resource.js';
import { cancelledBy, jobStatusKey, jobTitle, jobTypeKey, stageText } from './labels.js';

export function JobDetailPage({ id }: { id: string }) {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const user = useUser();
  const job = useResource<Job>(`/api/jobs/${encodeURIComponent(id)}`);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  useLiveEvent('job', (j) => {
    if (j.id === id) job.set(() => j);
  });
  // Back after a break: the job may have finished while nothing was streamed.
  useResync(() => job.reload());
  useLiveEvent('job.progress', ({ jobId, progress }) => {
    if (jobId === id) job.set((j) => ({ ...j, status: isActive(j) ? 'running' : j.status, progress }));
  });
  const act = (what: 'cancel' | 'retry') => async () => {
    setActionError(null);
    try {
      const updated = await api.post<Job>(`/api/jobs/${encodeURIComponent(id)}/${what}`);
      job.set(() => updated);
    } catch (e) {
      setActionError(e as ApiError);
    }
  };

  if (job.missing)
    return (
      <section>
        <h1 tabIndex={-1}>{t('job.title')}</h1>
        <NotAvailable />
      </section>
    );
  if (!job.data)
    return (
      <section>
        <h1 tabIndex={-1}>{t('job.title')}</h1>
        {job.loading ? <Loading /> : <ErrorNotice error={job.error} />}
      </section>
    );
  const j = job.data;
  const typeName = t(jobTypeKey(j.type));
  const title = jobTitle(j, t);
  const preview = j.progress?.preview;
  const canceller = j.status === 'cancelled' ? cancelledBy(j.error) : null;
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{title}</h1>
      <div class="row wrap">
        <Badge kind={j.status} messageKey={jobStatusKey(j.status)} />
        <span class="muted small">
          {typeName} · {t('job.by', { name: j.ownerName })} · {formatDate(j.createdAt)}
        </span>
      </div>
      {isActive(j) && (
        <ProgressBar
          fraction={j.status === 'running' ? (j.progress?.fraction ?? 0) : 0}
          stage={
            j.status === 'waiting_for_gpu'
              ? t('job.waitingForComputer')
              : j.progress?.stage
                ? stageText(j.progress.stage, t)
                : j.status === 'queued'
                  ? t('job.queued')
                  : undefined
          }
          label={t('job.progressOf', { title })}
        />
      )}
      {j.status === 'waiting_for_gpu' && j.wait && <JobWaitExplained wait={j.wait} />}
      {j.status === 'succeeded' && <ProgressBar fraction={1} label={t('job.progressOf', { title })} />}
      {j.progress?.message && isActive(j) && <p>{j.progress.message}</p>}
      {preview && isActive(j) && (
        <figure class="preview">
          <img src={`data:${preview.contentType};base64,${preview.data}`} alt={t('job.preview')} />
          <figcaption class="muted small">{t('job.preview')}</figcaption>
        </figure>
      )}
      {j.status === 'cancelled' && (
        <p class="notice" data-testid="cancelled-by">
          {canceller ? t('job.cancelledBy', { name: canceller }) : t('job.cancelled')}
        </p>
      )}
      {j.status === 'failed' && j.error && <ErrorNotice error={t('job.failedBecause', { reason: j.error })} />}
      <ErrorNotice error={actionError} />
      <div class="row">
        {isActive(j) && (
          <button type="button" onClick={() => void act('cancel')()}>
            {t('job.cancel')}
          </button>
        )}
        {(j.status === 'failed' || j.status === 'cancelled') && (
          <button type="button" class="primary" onClick={() => void act('retry')()}>
            {t('job.retry')}
          </button>
        )}
      </div>
      {j.result && <JobResult key={j.finishedAt} job={j} admin={user.role === 'admin'} />}
      {j.result && j.result.mediaIds.length > 0 && (
        <p>
          <Link href="/gallery">{t('job.seeGallery')}</Link>
        </p>
      )}
    </section>
  );
}
