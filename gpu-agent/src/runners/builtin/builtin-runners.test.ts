import { JOB_TYPES, type JobType } from '@hearth/protocol';
import { describe, expect, it } from 'vitest';
import { RunnerRegistry } from '../../worker/runner-registry.js';
import type { RunnerJob } from '../runner.js';
import { createBuiltinRunners } from './index.js';

describe('createBuiltinRunners', () => {
  it('covers every built-in job type exactly once, each with a built-in runner', () => {
    const { runners } = createBuiltinRunners();
    const builtin = (Object.keys(JOB_TYPES) as JobType[]).filter((t) => JOB_TYPES[t].capability === 'builtin');
    expect(runners.flatMap((r) => r.jobTypes).sort()).toEqual([...builtin].sort());
    for (const runner of runners) expect(runner.capability).toBe('builtin');
    // The registry hands each type to its one runner.
    const registry = new RunnerRegistry(runners);
    for (const runner of runners) for (const type of runner.jobTypes) expect(registry.find({ type } as RunnerJob)).toBe(runner);
  });

  it('refuses two runners for one job type', () => {
    const { runners } = createBuiltinRunners();
    expect(() => new RunnerRegistry([...runners, runners[0]!])).toThrow(/two runners take image\.upscale jobs/);
  });
});
