import type { JobView } from '../types.js';

/** What Hearth is working on, with progress bars. */
export function Jobs({ jobs, max = 4 }: { jobs: JobView[]; max?: number }) {
  if (jobs.length === 0) return <div class="tile-empty" data-tile="jobs">Nothing in the works</div>;
  return (
    <ul class="jobs" data-tile="jobs">
      {jobs.slice(0, max).map((j) => {
        const pct = Math.round((j.progress?.fraction ?? 0) * 100);
        return (
          <li key={j.id} class={`job job-${j.status}`} data-job={j.id}>
            <div class="job-line"><span class="job-title">{j.title}</span><span class="job-owner">{j.ownerName}</span></div>
            <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}><div class="bar-fill" style={{ width: `${pct}%` }} /></div>
            <div class="job-stage">{j.status === 'running' ? (j.progress?.stage ?? 'starting') : j.status === 'waiting_for_gpu' ? 'waking the PC' : 'waiting'}</div>
          </li>
        );
      })}
    </ul>
  );
}
