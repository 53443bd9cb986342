import { join } from 'node:path';
import { freePort, startRedis, tempDir, waitFor, type RedisInstance } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHomeAssistant, testedHaVersions, type HomeAssistant } from '../src/index.js';
// `npm start`'s broker: the real appliance with its embedded, password-protected MQTT broker.
import { startAppliance, type RunningAppliance } from '../../appliance/src/server.js';
import { productCapabilities } from '../../appliance/src/capabilities.js';
import { HttpClient } from '../../appliance/test/support/http-client.js';
import { TEST_PASSWORD } from '../../appliance/test/support/harness.js';
import { startAgent, type AgentProcess } from '../../gpu-agent/test/helpers.js';

/**
 * A real Home Assistant (each supported version) on the appliance's embedded broker, signed in as the README tells
 * a family to: user `homeassistant`, password a Home Assistant device token from Admin → Devices.
 * A real agent signs in with its agent token. HA sees both devices and drives the kiosk.
 */
describe.each(testedHaVersions())('Home Assistant %s on the embedded broker, with credentials', (version) => {
  let redis: RedisInstance;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let running: RunningAppliance;
  let admin: HttpClient;
  let ha: HomeAssistant;
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    dir = await tempDir('hearth-embedded-in-ha-');
    const mqttPort = await freePort();
    running = await startAppliance(
      {
        host: '127.0.0.1',
        port: 0,
        dataDir: join(dir.path, 'data'),
        redisUrl: redis.url,
        mqttUrl: undefined,
        mqttHost: '127.0.0.1',
        mqttPort,
        trustProxy: false,
        publicUrl: undefined,
        logLevel: process.env.HEARTH_TEST_LOG ?? 'silent',
      },
      { capabilities: (c, log, config) => productCapabilities(config, c, log) },
    );
    admin = new HttpClient(running.url);
    expect((await admin.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD })).status).toBe(201);
    const made = await admin.post('/api/admin/devices', { kind: 'home-assistant', name: 'Home Assistant' });
    expect(made.status, made.text).toBe(201);
    ha = await startHomeAssistant({ version, mqttPort, mqttUsername: 'homeassistant', mqttPassword: made.json.token as string });
  });

  afterAll(async () => {
    await agent?.stop('SIGKILL');
    await ha?.stop();
    await running?.stop();
    await redis?.close();
    await dir?.remove();
  });

  it('HA signs in, discovers the appliance, and its kiosk switch works (audited as HA’s device)', async () => {
    await ha.waitForState('switch.hearth_kiosk_night_mode', (s) => s.state === 'off', 60_000);
    await ha.callService('switch', 'turn_on', { entity_id: 'switch.hearth_kiosk_night_mode' });
    await waitFor(() => running.app.kioskControl.get().nightMode === true, { timeoutMs: 15_000, what: 'night mode on' });
    await ha.waitForState('switch.hearth_kiosk_night_mode', (s) => s.state === 'on');
    const audit = (await admin.get('/api/admin/audit?action=kiosk.control.changed&limit=10')).json.entries as Array<{ actorKind: string; detail: unknown }>;
    expect(audit).toEqual([expect.objectContaining({ actorKind: 'home-assistant', detail: { via: 'mqtt', nightMode: true } })]);
  });

  it('a real agent signs in with its agent token; its entities appear and HA’s accepting-jobs switch reaches it, audited first', async () => {
    const made = await admin.post('/api/admin/devices', { kind: 'agent', name: 'Family PC' });
    agent = startAgent({
      AGENT_ID: 'pc',
      AGENT_NAME: 'Family PC',
      MQTT_URL: running.connections.mqttUrl,
      AGENT_TOKEN: made.json.token as string,
      AGENT_DATA_DIR: join(dir.path, 'agent'),
      NVIDIA_SMI: join(dir.path, 'no-nvidia-smi'),
      LOG_LEVEL: 'info',
    });
    // The documented id, whichever discovery form the appliance chose.
    const accepting = await ha.waitForState('switch.hearth_pc_accepting_jobs', (s) => s.state === 'on', 90_000);
    await ha.callService('switch', 'turn_off', { entity_id: accepting.entity_id });
    await ha.waitForState(accepting.entity_id, (s) => s.state === 'off', 30_000);
    const audit = (await admin.get('/api/admin/audit?action=agent.command&limit=10')).json.entries as Array<{
      actorName: string;
      target: string;
      detail: unknown;
    }>;
    expect(audit[0]).toMatchObject({ actorName: 'Home Assistant', target: 'agent:pc', detail: { via: 'mqtt', command: 'accepting', payload: 'OFF' } });
    expect(agent.output()).not.toMatch(/Not authorized|Bad User Name/i);
  });
});
