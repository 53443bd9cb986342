import mqtt from 'mqtt';
import { waitFor } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTopics } from '@hearth/protocol';
import { startTestAppliance, type TestAppliance } from '../../test/support/harness.js';
import type { HttpClient } from '../../test/support/http-client.js';

/** With an external broker (a real Mosquitto), HA's commands to agents still reach the audit log. */
describe('agent commands on an external broker', () => {
  let t: TestAppliance;
  let admin: HttpClient;

  beforeAll(async () => {
    t = await startTestAppliance({ product: true });
    admin = await t.admin();
  });
  afterAll(() => t?.close());

  it('are audited as Home Assistant’s, with what was asked', async () => {
    const ha = await mqtt.connectAsync(t.mosquitto.url, { reconnectPeriod: 0 });
    try {
      await ha.publishAsync(agentTopics('gamingpc').command('accepting'), 'OFF', { qos: 1 });
      await ha.publishAsync(agentTopics('gamingpc').command('suspend'), 'PRESS', { qos: 1 });
      const entries = await waitFor(
        async () => {
          const list = (await admin.get('/api/admin/audit?action=agent.command&limit=10')).json.entries as Array<Record<string, unknown>>;
          return list.length === 2 ? list : null;
        },
        { timeoutMs: 10_000, what: 'two audit entries' },
      );
      expect(entries.map((e) => e.detail)).toEqual([
        { via: 'mqtt', observed: true, command: 'suspend', payload: 'PRESS' },
        { via: 'mqtt', observed: true, command: 'accepting', payload: 'OFF' },
      ]);
      expect(entries[0]).toMatchObject({ actorKind: 'home-assistant', actorName: 'Home Assistant (MQTT)', target: 'agent:gamingpc' });
    } finally {
      await ha.endAsync();
    }
  });
});
