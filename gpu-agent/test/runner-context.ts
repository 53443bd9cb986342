import type { JobProgress } from '@hearth/protocol';
import type { Artifact, RunContext } from '../src/runners/runner.js';

/** A RunContext that records what a runner reports and uploads, for tests. */
export function recordingContext(media: Record<string, { bytes: Buffer; contentType: string }> = {}) {
  const controller = new AbortController();
  const progress: JobProgress[] = [];
  const uploads: Artifact[] = [];
  const fetched: string[] = [];
  const ctx: RunContext = {
    progress: (p) => progress.push(p),
    signal: controller.signal,
    fetchMedia: async (id) => {
      fetched.push(id);
      const m = media[id];
      if (!m) throw new Error(`no media ${id}`);
      return m;
    },
    upload: async (a) => {
      uploads.push(a);
    },
  };
  return { ctx, controller, progress, uploads, fetched };
}
