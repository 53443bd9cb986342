import { describe, expect, it } from 'vitest';
import { mqttCredentials } from './mqtt-credentials.js';

describe('the agent’s MQTT user', () => {
  const token = 'hd_7_' + 'x'.repeat(43);
  it('is the one in MQTT_URL when it has one (Mosquitto)', () => {
    expect(mqttCredentials({ mqttUrl: 'mqtt://agent-pc:secret@hub:1883', agentId: 'pc', agentToken: token })).toEqual({});
  });
  it('is agent-<id> with the agent token otherwise (the embedded broker)', () => {
    expect(mqttCredentials({ mqttUrl: 'mqtt://hub:1883', agentId: 'pc', agentToken: token })).toEqual({ username: 'agent-pc', password: token });
  });
  it('is none without a token', () => {
    expect(mqttCredentials({ mqttUrl: 'mqtt://hub:1883', agentId: 'pc', agentToken: undefined })).toEqual({});
  });
});
