import type { Db } from '../db/database.js';

/** Which agent started each attempt of a job (the only one that may upload into it or read its inputs). */
export class JobRuns {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      owner: db.prepare<[string, number], { agent_device_id: number }>('SELECT agent_device_id FROM job_runs WHERE job_id = ? AND attempt = ?'),
      insert: db.prepare('INSERT OR IGNORE INTO job_runs (job_id, attempt, agent_device_id, started_at) VALUES (?, ?, ?, ?)'),
      // The attempt the job is on now, started by this agent, with the media id in its input.
      runsWithMedia: db.prepare<[number, string], { id: string }>(`SELECT j.id FROM jobs j JOIN job_runs r ON r.job_id = j.id AND r.attempt = j.attempts
                                      WHERE r.agent_device_id = ? AND j.status IN ('queued','waiting_for_gpu','running') AND j.input LIKE ? LIMIT 1`),
    };
  }

  /** The agent that started this attempt, or null when none has. */
  owner(jobId: string, attempt: number): number | null {
    return this.stmts.owner.get(jobId, attempt)?.agent_device_id ?? null;
  }

  /** Bind the attempt to `agentId` unless another agent holds it; returns the holder afterwards. */
  bind(jobId: string, attempt: number, agentId: number, now: number): number {
    return this.db.transaction(() => {
      this.stmts.insert.run(jobId, attempt, agentId, now);
      return this.owner(jobId, attempt)!;
    })();
  }

  /** Whether `agentId` runs the current attempt of a live job whose input names `mediaId`. */
  agentRunsJobWith(agentId: number, mediaId: string): boolean {
    return this.stmts.runsWithMedia.get(agentId, `%"${mediaId}"%`) !== undefined;
  }
}
