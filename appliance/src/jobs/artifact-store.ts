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
}

/** Files an agent uploaded for a job's attempts, waiting for the job's result to link them. */
export class ArtifactStore {
  constructor(private readonly db: Db) {}

  /** Idempotent per (job, attempt, name): a re-upload of the same attempt replaces the earlier one. */
  put(row: ArtifactRow): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO job_artifacts (job_id, attempt, name, sha256, content_type, bytes, moderation, uploaded_at)
                VALUES (@job_id, @attempt, @name, @sha256, @content_type, @bytes, @moderation, @uploaded_at)`)
      .run(row);
  }

  /** The newest upload of `name` for a job (the attempt that reported success uploaded it last). */
  latest(jobId: string, name: string): ArtifactRow | undefined {
    return this.db.prepare('SELECT * FROM job_artifacts WHERE job_id = ? AND name = ? ORDER BY attempt DESC LIMIT 1').get(jobId, name) as ArtifactRow | undefined;
  }

  /** Names uploaded by the newest attempt that uploaded anything (a result lost in transit). */
  newestAttemptNames(jobId: string): string[] {
    const rows = this.db
      .prepare('SELECT name FROM job_artifacts WHERE job_id = ? AND attempt = (SELECT MAX(attempt) FROM job_artifacts WHERE job_id = ?) ORDER BY uploaded_at, name')
      .all(jobId, jobId) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }

  clear(jobId: string): void {
    this.db.prepare('DELETE FROM job_artifacts WHERE job_id = ?').run(jobId);
  }
}
