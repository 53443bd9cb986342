import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mqttAcl, type MqttIdentity } from '@hearth/protocol';
import { REPO, runProgram } from './support.js';

const AUTH_SH = join(REPO, 'provisioning/mosquitto/auth.sh');

/** The Mosquitto ACL the provisioning writes, read back as user → {read, write} topic filters. */
async function provisionedAcl(...agents: string[]) {
  const r = await runProgram('sh', ['-c', `. "${AUTH_SH}" && hearth_mqtt_acl "$@"`, 'sh', ...agents]);
  expect(r.code, r.stderr).toBe(0);
  const users = new Map<string, { read: string[]; write: string[] }>();
  let current: { read: string[]; write: string[] } | undefined;
  for (const line of r.stdout.split('\n')) {
    const user = /^user (\S+)$/.exec(line);
    if (user) users.set(user[1]!, (current = { read: [], write: [] }));
    const topic = /^topic (read|write|readwrite) (\S+)$/.exec(line);
    if (!topic) continue;
    if (!current) throw new Error(`a topic outside any user block: ${line}`);
    if (topic[1] !== 'write') current.read.push(topic[2]!);
    if (topic[1] !== 'read') current.write.push(topic[2]!);
  }
  return users;
}

const sorted = (acl: { read: string[]; write: string[] }) => ({ read: [...acl.read].sort(), write: [...acl.write].sort() });

describe('the Mosquitto ACL and the embedded broker’s ACL', () => {
  it('are the same table (protocol/src/mqtt-acl.ts)', async () => {
    const users = await provisionedAcl('gamingpc', 'studio');
    const identities: Array<[string, MqttIdentity]> = [
      ['appliance', { kind: 'appliance' }],
      ['homeassistant', { kind: 'homeassistant' }],
      ['agent-gamingpc', { kind: 'agent', agentId: 'gamingpc' }],
      ['agent-studio', { kind: 'agent', agentId: 'studio' }],
    ];
    expect([...users.keys()].sort()).toEqual(identities.map(([u]) => u).sort());
    for (const [user, identity] of identities) expect(sorted(users.get(user)!), user).toEqual(sorted(mqttAcl(identity)));
  });

  it('refuses an agent called "appliance" (it would share the appliance’s discovery topics)', async () => {
    const r = await runProgram('sh', ['-c', `. "${AUTH_SH}" && hearth_mqtt_acl appliance`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/invalid agent id: appliance/);
  });
});
