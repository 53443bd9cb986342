import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemLogLines, startHomeAssistant, testedHaVersions, type HomeAssistant } from '../src/index.js';
import { AUTOMATION_IDS, blueprintAutomations } from './blueprint-instances.js';

/**
 * HA starts automations before MQTT discovery has made Hearth's entities, and the minute ticks of
 * the wake and suspend blueprints can fire in that window. Their conditions must then be false,
 * not errors in HA's log. Here no MQTT exists at all, and each automation is run with its
 * conditions evaluated.
 */
describe.each(testedHaVersions())('blueprints before their entities exist (HA %s)', (version) => {
  let ha: HomeAssistant;

  beforeAll(async () => {
    ha = await startHomeAssistant({ version, automations: blueprintAutomations({ mac: '3c:7c:3f:12:34:56', address: '127.0.0.1', port: 9 }, undefined, 0) });
  });
  afterAll(() => ha?.stop());

  it('evaluate to false without logging condition errors', async () => {
    for (const id of [AUTOMATION_IDS['automation/hearth/wake_gpu_pc.yaml'], AUTOMATION_IDS['automation/hearth/suspend_idle_pc.yaml']]) {
      expect(await ha.runAutomation(id)).toBe('failed_conditions');
    }
    // Nothing at all: neither the triggers attaching at start nor the conditions log a missing entity.
    expect(problemLogLines(ha.logs())).toEqual([]);
    for (const id of [AUTOMATION_IDS['automation/hearth/wake_gpu_pc.yaml'], AUTOMATION_IDS['automation/hearth/suspend_idle_pc.yaml']]) {
      expect((await ha.getState(id))?.attributes.last_triggered ?? null).toBeNull();
    }
  });
});
