/**
 * HA state change → event delivered to a connected SSE client of the appliance, p50/p99 over N
 * changes. Anchor: the same changes seen by a direct Home Assistant websocket subscriber in the
 * same run. Usage: node --import tsx bench/ha-events/run.ts [changes=200]
 */
import { startHomeAssistant } from '@hearth/ha-integration';
import { waitFor } from '@hearth/testkit';
import { createConnection, createLongLivedTokenAuth } from 'home-assistant-js-websocket';
import { eventsPlugin } from '../../appliance/src/events/plugin.js';
import { homeAssistantPlugin } from '../../appliance/src/home-assistant/plugin.js';
import { startTestAppliance } from '../../appliance/test/support/harness.js';
import { SseStream } from '../../appliance/test/support/sse.js';

const CHANGES = Number(process.argv[2] ?? 200);
const ENTITY = 'input_number.bench_level';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const ha = await startHomeAssistant({
  packages: { bench: `input_number:\n  bench_level:\n    name: Bench level\n    min: 0\n    max: 100000\n    step: 1\n` },
});
const t = await startTestAppliance({
  capabilities: (_c, log) => [
    async (app) => {
      await app.register(eventsPlugin, { version: 'bench' });
    },
    async (app) => {
      await app.register(homeAssistantPlugin, { log });
    },
  ],
});
try {
  const admin = await t.admin();
  await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
  await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 30_000 });
  const sse = await SseStream.open(admin);

  const direct = await createConnection({ auth: createLongLivedTokenAuth(ha.url, ha.token) });
  const directSeen = new Map<string, number>();
  await direct.subscribeMessage<{ data: { entity_id: string; new_state: { state: string } } }>(
    (e) => {
      if (e.data.entity_id === ENTITY) directSeen.set(e.data.new_state.state, performance.now());
    },
    { type: 'subscribe_events', event_type: 'state_changed' },
  );

  const viaHearth: number[] = [];
  const viaDirect: number[] = [];
  for (let i = 1; i <= CHANGES; i++) {
    const value = String(i) + '.0';
    const sent = performance.now();
    await ha.callService('input_number', 'set_value', { entity_id: ENTITY, value: i });
    const got = await sse.next((e) => e.type === 'ha.state' && e.data.entityId === ENTITY && e.data.state === value);
    await waitFor(() => directSeen.has(value), { timeoutMs: 5000, intervalMs: 1 });
    viaHearth.push(got.receivedAt - sent);
    viaDirect.push(directSeen.get(value)! - sent);
  }
  sse.close();
  direct.close();

  const row = (name: string, xs: number[]) => ({ path: name, p50_ms: +percentile(xs, 50).toFixed(1), p99_ms: +percentile(xs, 99).toFixed(1) });
  const hearth = row('HA → appliance → SSE client', viaHearth);
  const anchor = row('HA → direct websocket subscriber (anchor)', viaDirect);
  console.table([hearth, anchor]);
  console.log(`ratio p50 ${(hearth.p50_ms / anchor.p50_ms).toFixed(2)}×, p99 ${(hearth.p99_ms / anchor.p99_ms).toFixed(2)}× over ${CHANGES} changes`);
} finally {
  await t.close();
  await ha.stop();
}
