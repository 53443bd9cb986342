import { JOB_TYPES, type JobType } from '@hearth/protocol';
import { describe, expect, it } from 'vitest';
import { createBuiltinRunners } from './index.js';

describe('createBuiltinRunners', () => {
  it('covers every built-in job type exactly once, each runner taking only its own type', () => {
    const { runners } = createBuiltinRunners();
    const builtin = (Object.keys(JOB_TYPES) as JobType[]).filter((t) => JOB_TYPES[t].capability === 'builtin');
    expect(runners.flatMap((r) => r.types).sort()).toEqual([...builtin].sort());
    for (const runner of runners) {
      expect(runner.capability).toBe('builtin');
      for (const type of Object.keys(JOB_TYPES) as JobType[]) {
        expect(runner.canRun({ id: 'x', type, input: {} })).toBe(runner.types.includes(type));
      }
    }
  });
});
