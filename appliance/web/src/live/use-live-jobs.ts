import type { Job } from '../types.js';
import { useLiveEvent } from './use-live.js';

/** Keep `jobs` current from the `job` and `job.progress` events. */
export function useLiveJobs(update: (change: (jobs: Job[]) => Job[]) => void, accept: (job: Job) => boolean): void {
  useLiveEvent('job', (job) =>
    update((jobs) => {
      const i = jobs.findIndex((j) => j.id === job.id);
      if (i >= 0) return jobs.map((j) => (j.id === job.id ? job : j));
      return accept(job) ? [job, ...jobs] : jobs;
    }),
  );
  useLiveEvent('job.progress', ({ jobId, progress }) =>
    update((jobs) => jobs.map((j) => (j.id === jobId ? { ...j, status: j.status === 'succeeded' ? j.status : 'running', progress } : j))),
  );
}
