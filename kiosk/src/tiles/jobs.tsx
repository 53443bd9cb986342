import type { JobView, MediaView } from '../types.js';
import { useT } from '../i18n/i18n.js';

/** How long a creation counts as "just finished" on the wall. */
export const JUST_FINISHED_MS = 2 * 3600_000;

/**
 * What Hearth is working on, with progress bars, and what it just made: pictures from jobs that the
 * family shared with the wall and that passed moderation (the kiosk's media scope), as thumbnails.
 */
export function Jobs({ jobs, finished, max = 4 }: { jobs: JobView[]; finished: MediaView[]; max?: number }) {
  const t = useT();
  if (jobs.length === 0 && finished.length === 0)
    return (
      <div class="tile-empty" data-tile="jobs">
        {t('jobs.none')}
      </div>
    );
  return (
    <div class="jobs-tile" data-tile="jobs">
      {finished.length > 0 && (
        <ul class="just-made">
          {finished.slice(0, 3).map((m) => (
            <li key={m.id} data-media={m.id}>
              <img src={`/api/media/${m.id}/thumbnail?size=256`} alt="" decoding="async" />
              <span>{m.ownerName}</span>
            </li>
          ))}
        </ul>
      )}
      <ul class="jobs">
        {jobs.slice(0, max).map((j) => {
          const pct = Math.round((j.progress?.fraction ?? 0) * 100);
          return (
            <li key={j.id} class={`job job-${j.status}`} data-job={j.id}>
              <div class="job-line">
                <span class="job-title">{j.title}</span>
                <span class="job-owner">{j.ownerName}</span>
              </div>
              <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
                <div class="bar-fill" style={{ width: `${pct}%` }} />
              </div>
              <div class="job-stage">
                {j.status === 'running' ? (j.progress?.stage ?? t('jobs.starting')) : t(j.status === 'waiting_for_gpu' ? 'jobs.wakingPc' : 'jobs.waiting')}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
