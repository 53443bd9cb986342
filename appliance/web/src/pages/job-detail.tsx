import { useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { isActive } from '../components/job-summary.js';
import { ErrorNotice, Loading, NotAvailable } from '../components/notice.js';
import { ProgressBar } from '../components/progress-bar.js';
import { Badge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';
import { useLiveEvent, useResync } from '../live/use-live.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { Job } from '../types.js';
import { useResource } from '../use-resource.js';
import { jobStatusKey } from './labels.js';

export function JobDetailPage({ id }: { id: string }) {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
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

  if (job.missing) return <section><h1 tabIndex={-1}>{t('job.title')}</h1><NotAvailable /></section>;
  if (!job.data) return <section><h1 tabIndex={-1}>{t('job.title')}</h1>{job.loading ? <Loading /> : <ErrorNotice error={job.error} />}</section>;
  const j = job.data;
  const preview = j.progress?.preview;
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{j.title || j.type}</h1>
      <div class="row">
        <Badge kind={j.status} messageKey={jobStatusKey(j.status)} />
        <span class="muted small">{j.type} · {t('job.by', { name: j.ownerName })} · {formatDate(j.createdAt)}</span>
      </div>
      {isActive(j) && (
        <ProgressBar fraction={j.status === 'running' ? (j.progress?.fraction ?? 0) : 0}
          stage={j.status === 'waiting_for_gpu' ? t('job.waitingForGpu') : j.progress?.stage}
          label={t('job.progressOf', { title: j.title || j.type })} />
      )}
      {j.status === 'succeeded' && <ProgressBar fraction={1} label={t('job.progressOf', { title: j.title || j.type })} />}
      {j.progress?.message && isActive(j) && <p>{j.progress.message}</p>}
      {preview && isActive(j) && (
        <figure class="preview">
          <img src={`data:${preview.contentType};base64,${preview.data}`} alt={t('job.preview')} />
          <figcaption class="muted small">{t('job.preview')}</figcaption>
        </figure>
      )}
      {j.error && <ErrorNotice error={t('job.failedBecause', { reason: j.error })} />}
      <ErrorNotice error={actionError} />
      <div class="row">
        {isActive(j) && <button type="button" onClick={() => void act('cancel')()}>{t('job.cancel')}</button>}
        {(j.status === 'failed' || j.status === 'cancelled') && <button type="button" class="primary" onClick={() => void act('retry')()}>{t('job.retry')}</button>}
      </div>
      {j.result && (
        <section class="stack" aria-labelledby="result-h">
          <h2 id="result-h">{t('job.result')}</h2>
          <ul class="plain thumbs">
            {j.result.mediaIds.map((m) => (
              <li key={m}>
                <a href={`/api/media/${m}`} target="_blank" rel="noopener">
                  <img src={`/api/media/${m}/thumbnail?size=256`} alt={t('job.resultImage')} loading="lazy" />
                </a>
                <a href={`/api/media/${m}?download=1`} download class="small">{t('gallery.download')}</a>
              </li>
            ))}
          </ul>
          {j.result.data !== undefined && <pre class="result-data">{JSON.stringify(j.result.data, null, 2)}</pre>}
          <p><Link href="/gallery">{t('job.seeGallery')}</Link></p>
        </section>
      )}
    </section>
  );
}
