import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@hearth/testkit';
import { describe, expect, it } from 'vitest';
import { agentIdFromHostname, ConfigError, loadConfig } from './config.js';

describe('agent config', () => {
  it('has working defaults', async () => {
    const c = await loadConfig({});
    expect(c).toMatchObject({ nvidiaSmi: 'nvidia-smi', suspendCommand: ['systemctl', 'suspend'], haDiscoveryPrefix: 'homeassistant' });
    expect(c.agentId).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
    expect(c.deadband.temperatureC).toBeGreaterThan(0);
    expect(c.modelIdleUnloadMs).toBe(300_000);
  });

  it('takes the idle time after which models are unloaded (0 keeps them)', async () => {
    expect((await loadConfig({ HEARTH_AGENT_MODEL_IDLE_MS: '60000' })).modelIdleUnloadMs).toBe(60_000);
    expect((await loadConfig({ HEARTH_AGENT_MODEL_IDLE_MS: '0' })).modelIdleUnloadMs).toBe(0);
    await expect(loadConfig({ HEARTH_AGENT_MODEL_IDLE_MS: 'soon' })).rejects.toThrow(/\/modelIdleUnloadMs/);
    await expect(loadConfig({ HEARTH_AGENT_MODEL_IDLE_MS: '-5' })).rejects.toThrow(/\/modelIdleUnloadMs/);
  });

  it('reads a JSON file, and the environment wins over it', async () => {
    const dir = await tempDir();
    try {
      const file = join(dir.path, 'agent.json');
      await writeFile(file, JSON.stringify({ agentId: 'from-file', name: 'Family PC', deadband: { temperatureC: 1 }, suspendCommand: ['/bin/true'] }));
      const c = await loadConfig({ AGENT_CONFIG: file, AGENT_ID: 'from-env', TELEMETRY_INTERVAL_MS: '500', SUSPEND_COMMAND: 'loginctl suspend' });
      expect(c).toMatchObject({ agentId: 'from-env', name: 'Family PC', telemetryIntervalMs: 500, suspendCommand: ['loginctl', 'suspend'] });
      expect(c.deadband).toMatchObject({ temperatureC: 1, powerDrawW: 10 });
    } finally {
      await dir.remove();
    }
  });

  it('names the bad fields and never echoes a secret', async () => {
    const err = await loadConfig({ AGENT_ID: 'Bad Id!', TELEMETRY_INTERVAL_MS: 'fast', HA_ANNOUNCE_JITTER_MS: 'soon', AGENT_TOKEN: 'short-secret' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('/agentId');
    expect(err.message).toContain('/telemetryIntervalMs');
    expect(err.message).toContain('/haAnnounceJitterMs');
    expect(err.message).toContain('/agentToken');
    expect(err.message).not.toContain('short-secret');
    await expect(loadConfig({ TELEMETRY_DEADBAND: '{nope' })).rejects.toThrow(/TELEMETRY_DEADBAND must be JSON/);
    await expect(loadConfig({ TELEMETRY_DEADBAND: '{"volts":1}' })).rejects.toThrow(/deadband/);
  });

  it('derives a NodeId from the hostname', () => {
    expect(agentIdFromHostname('Family-PC.local')).toBe('family-pc');
    expect(agentIdFromHostname('DESKTOP_42 (new)')).toBe('desktop_42-new-');
    expect(agentIdFromHostname('...')).toBe('gpu-agent');
  });
  it('refuses the id "appliance", the hub’s own name in MQTT', async () => {
    await expect(loadConfig({ AGENT_ID: 'appliance' })).rejects.toThrow(/hub's own name in MQTT/);
  });
});
