import { describe, expect, it } from 'vitest';
import { filterCovered, mayPublish, mayRead, maySubscribe, mqttAcl, parseMqttUsername, topicMatches } from './mqtt-acl.js';

describe('MQTT topic matching', () => {
  it('follows the MQTT wildcard rules', () => {
    expect(topicMatches('hearth/agent/+/cmd/#', 'hearth/agent/pc/cmd/suspend')).toBe(true);
    expect(topicMatches('hearth/agent/+/cmd/#', 'hearth/agent/pc/cmd')).toBe(true);
    expect(topicMatches('hearth/agent/+/cmd/#', 'hearth/agent/pc/state')).toBe(false);
    expect(topicMatches('homeassistant/+/hearth_pc/#', 'homeassistant/sensor/hearth_pc2/x/config')).toBe(false);
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('hearth/appliance/state', 'hearth/appliance/state/x')).toBe(false);
  });

  it('lets a subscription through only when every topic it can match is allowed', () => {
    expect(filterCovered('hearth/agent/pc/#', 'hearth/agent/pc/cmd/+')).toBe(true);
    expect(filterCovered('hearth/agent/pc/#', 'hearth/agent/+/cmd/+')).toBe(false);
    expect(filterCovered('hearth/agent/pc/#', 'hearth/#')).toBe(false);
    expect(filterCovered('hearth/agent/+/cmd/#', 'hearth/agent/+/cmd/suspend')).toBe(true);
    expect(filterCovered('homeassistant/status', 'homeassistant/+')).toBe(false);
  });
});

describe('identities', () => {
  it('parses the three kinds of user and refuses others', () => {
    expect(parseMqttUsername('appliance')).toEqual({ kind: 'appliance' });
    expect(parseMqttUsername('homeassistant')).toEqual({ kind: 'homeassistant' });
    expect(parseMqttUsername('agent-gamingpc')).toEqual({ kind: 'agent', agentId: 'gamingpc' });
    for (const bad of [undefined, '', 'agent-', 'agent-appliance', 'agent-Big', 'agent-a/b', 'agent-+', 'root'])
      expect(parseMqttUsername(bad), String(bad)).toBeNull();
  });

  it('an agent writes its own topics and discovery only, reads its commands, the appliance and HA’s status', () => {
    const acl = mqttAcl({ kind: 'agent', agentId: 'pc' });
    expect(mayPublish(acl, 'hearth/agent/pc/announce')).toBe(true);
    expect(mayPublish(acl, 'homeassistant/device/hearth_pc/config')).toBe(true);
    expect(mayPublish(acl, 'hearth/agent/studio/announce')).toBe(false);
    expect(mayPublish(acl, 'homeassistant/status')).toBe(false);
    expect(mayPublish(acl, 'homeassistant/switch/hearth_appliance/kiosk_night_mode/config')).toBe(false);
    expect(mayRead(acl, 'hearth/appliance/state')).toBe(true);
    expect(mayRead(acl, 'hearth/agent/studio/state')).toBe(false);
    expect(maySubscribe(acl, 'homeassistant/status')).toBe(true);
    expect(maySubscribe(acl, 'homeassistant/#')).toBe(false);
  });

  it('Home Assistant writes commands and its status only', () => {
    const acl = mqttAcl({ kind: 'homeassistant' });
    expect(mayPublish(acl, 'hearth/appliance/cmd/kiosk/night_mode')).toBe(true);
    expect(mayPublish(acl, 'hearth/appliance/cmd/kiosk/screen')).toBe(true);
    expect(mayPublish(acl, 'hearth/appliance/cmd/kiosk/presence')).toBe(true);
    expect(mayPublish(acl, 'hearth/agent/pc/cmd/accepting')).toBe(true);
    expect(mayPublish(acl, 'homeassistant/status')).toBe(true);
    expect(mayPublish(acl, 'hearth/appliance/state')).toBe(false);
    expect(mayPublish(acl, 'hearth/agent/pc/availability')).toBe(false);
    expect(mayPublish(acl, 'homeassistant/sensor/hearth_pc/x/config')).toBe(false);
    expect(maySubscribe(acl, 'hearth/#')).toBe(true);
  });
});
