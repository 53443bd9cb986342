import { startMosquitto, type MosquittoInstance } from '@hearth/testkit';
import { HA_DISCOVERY_PREFIX, componentDiscoveryMessages, haSensor } from '@hearth/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MQTT_ENTRY_ID, problemLogLines, startHomeAssistant, testedHaVersions, type HomeAssistant } from '../src/index.js';
import { publishJson } from './hearth-devices.js';

const sensorDiscovery = {
  prefix: HA_DISCOVERY_PREFIX,
  nodeId: 'hearth_smoke',
  device: { identifiers: ['hearth_smoke'], name: 'Smoke box', manufacturer: 'Hearth' },
  origin: { name: 'hearth-tests' },
  entities: [
    haSensor('hearth_smoke_temperature', {
      name: 'Temperature',
      unique_id: 'hearth_smoke_temperature',
      state_topic: 'hearth/smoke/state',
      value_template: '{{ value_json.t }}',
      device_class: 'temperature',
      unit_of_measurement: '°C',
      state_class: 'measurement',
    }),
  ],
};

describe.each(testedHaVersions())('real Home Assistant %s harness', (version) => {
  let broker: MosquittoInstance;
  let ha: HomeAssistant;
  let client: MqttClient;

  beforeAll(async () => {
    broker = await startMosquitto();
    ha = await startHomeAssistant({ version, mqttPort: broker.port });
    client = await mqtt.connectAsync(broker.url, { clientId: 'hearth-smoke-test' });
  });

  afterAll(async () => {
    await client?.endAsync();
    await ha?.stop();
    await broker?.close();
  });

  it('is RUNNING on 127.0.0.1 and the long-lived token works over REST and the websocket', async () => {
    expect(ha.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = await ha.client.rest<{ state: string; version: string; recovery_mode: boolean }>('GET', '/api/config');
    expect(config).toMatchObject({ state: 'RUNNING', version, recovery_mode: false });
    const user = await ha.sendWs<{ is_owner: boolean; is_admin: boolean }>({ type: 'auth/current_user' });
    expect(user).toMatchObject({ is_owner: true, is_admin: true });
    const anonymous = await fetch(`${ha.url}/api/config`);
    expect(anonymous.status).toBe(401);
  });

  it.runIf(version !== '2024.3.3')('runs on its confirmed HTTP settings, with nothing pending that would revert to port 8123', async () => {
    const http = await ha.sendWs<{ stable: { server_port: number }; pending: unknown; revert_at: unknown; active_config_type: string }>({
      type: 'http/config',
    });
    expect(http).toMatchObject({ stable: { server_port: Number(new URL(ha.url).port) }, pending: null, revert_at: null, active_config_type: 'stable' });
  });

  it('set up the pre-seeded MQTT entry and no integration failed', async () => {
    const entries = await ha.client.rest<Array<{ entry_id: string; domain: string; state: string }>>('GET', '/api/config/config_entries/entry');
    expect(entries.find((e) => e.domain === 'mqtt')).toMatchObject({ entry_id: MQTT_ENTRY_ID, state: 'loaded' });
    // The only warning: the unauthenticated request of the first test.
    expect(problemLogLines(ha.logs(), [/invalid authentication from localhost .*'\/api\/config'/])).toEqual([]);
  });

  it('creates an entity from a per-component discovery message, with device class, unit and state', async () => {
    for (const m of componentDiscoveryMessages(sensorDiscovery)) await client.publishAsync(m.topic, m.payload, { retain: true, qos: 1 });
    await publishJson(client, 'hearth/smoke/state', { t: 41.5 });
    const state = await ha.waitForState('sensor.hearth_smoke_temperature', (s) => s.state === '41.5');
    expect(state.attributes).toMatchObject({
      device_class: 'temperature',
      unit_of_measurement: '°C',
      state_class: 'measurement',
      friendly_name: 'Smoke box Temperature',
    });
  });

  it('restarts: the same token works and discovered entities come back from retained topics', async () => {
    await publishJson(client, 'hearth/smoke/state', { t: 43 });
    await ha.waitForState('sensor.hearth_smoke_temperature', (s) => s.state === '43');
    await ha.restart();
    const state = await ha.waitForState('sensor.hearth_smoke_temperature', (s) => s.state === '43');
    expect(state.attributes.device_class).toBe('temperature');
    const user = await ha.sendWs<{ is_owner: boolean }>({ type: 'auth/current_user' });
    expect(user.is_owner).toBe(true);
  });
});
