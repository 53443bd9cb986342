import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startHomeAssistant, testedHaVersions, type HomeAssistant } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import { homeAssistantPlugin } from '../src/home-assistant/plugin.js';
import { pushPlugin } from '../src/push/plugin.js';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';

/**
 * Profile → Notifications says whether Home Assistant is the other route: a real Home Assistant
 * with an automation made from Hearth's notify blueprint, switched on and off.
 */
describe.each(testedHaVersions())("push: is Home Assistant's notify blueprint on? (real Home Assistant %s)", (version) => {
  let ha: HomeAssistant;
  let t: TestAppliance;
  let admin: HttpClient;
  let member: HttpClient;
  const AUTOMATION = 'automation.hearth_notify_job_finished';

  beforeAll(async () => {
    ha = await startHomeAssistant({
      version,
      automations: [
        {
          id: 'hearth_notify_job_finished',
          alias: 'Hearth notify job finished',
          use_blueprint: {
            path: 'hearth/notify_job_finished.yaml',
            input: { job_event: 'event.hearth_pc_job', notify_service: 'persistent_notification.create' },
          },
        },
      ],
    });
    const log = pino({ level: 'silent' });
    t = await startTestAppliance({
      capabilities: () => [
        async (app) => {
          await app.register(homeAssistantPlugin, { log, link: { backoffMinMs: 200, backoffMaxMs: 1000, requestTimeoutMs: 5000, startPollMs: 300 } });
        },
        async (app) => {
          await app.register(pushPlugin, { log });
        },
      ],
    });
    admin = await t.admin();
    member = await t.user(admin, 'member');
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await ha?.stop();
  });

  const said = async () => (await member.get('/api/push')).json.homeAssistantNotify as string;

  it('says "not connected" before Home Assistant is set up, then follows the automation\'s switch', async () => {
    expect(await said()).toBe('not-connected');
    expect((await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token })).status).toBe(200);
    await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 60_000, what: 'HA link connected' });
    await ha.waitForState(AUTOMATION, (s) => s.state === 'on', 30_000);
    await waitFor(async () => (await said()) === 'on', { timeoutMs: 30_000, what: 'blueprint on' });

    await ha.callService('automation', 'turn_off', { entity_id: AUTOMATION });
    await waitFor(async () => (await said()) === 'off', { timeoutMs: 30_000, what: 'blueprint off' });
  });
});
