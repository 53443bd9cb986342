import type { MediaModeration } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export interface ArtifactRow {
  job_id: string;
  attempt: number;
  name: string;
  sha256: string;
  content_type: string;
  bytes: number;
  moderation: MediaModeration;
  uploaded_at: number;
  /** The agent device that uploaded it. */
  agent_device_id: number | null;
}

/** Files an agent uploaded for a job's attempts, waiting for the job's result to link them. */
export class ArtifactStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      put: db.prepare<
        [ArtifactRow]
      >(`INSERT OR REPLACE INTO job_artifacts (job_id, attempt, name, sha256, content_type, bytes, moderation, uploaded_at, agent_device_id)
                                      VALUES (@job_id, @attempt, @name, @sha256, @content_type, @bytes, @moderation, @uploaded_at, @agent_device_id)`),
      latest: db.prepare<[string, string], ArtifactRow>('SELECT * FROM job_artifacts WHERE job_id = ? AND name = ? ORDER BY attempt DESC LIMIT 1'),
      newestAttemptNames: db.prepare<[string, string], { name: string }>(
        'SELECT name FROM job_artifacts WHERE job_id = ? AND attempt = (SELECT MAX(attempt) FROM job_artifacts WHERE job_id = ?) ORDER BY uploaded_at, name',
      ),
      clear: db.prepare('DELETE FROM job_artifacts WHERE job_id = ?'),
    };
  }

  /** Idempotent per (job, attempt, name): a re-upload of the same attempt replaces the earlier one. */
  put(row: ArtifactRow): void {
    this.stmts.put.run(row);
  }

  /** The newest upload of `name` for a job (the attempt that reported success uploaded it last). */
  latest(jobId: string, name: string): ArtifactRow | undefined {
    return this.stmts.latest.get(jobId, name);
  }

  /** Names uploaded by the newest attempt that uploaded anything (a result lost in transit). */
  newestAttemptNames(jobId: string): string[] {
    return this.stmts.newestAttemptNames.all(jobId, jobId).map((r) => r.name);
  }

  clear(jobId: string): void {
    this.stmts.clear.run(jobId);
  }
}
