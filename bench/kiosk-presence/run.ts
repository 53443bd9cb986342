/**
 * A person walks in: Home Assistant's motion sensor turns on → the wall is awake (its DOM says so).
 *   node --import tsx bench/kiosk-presence/run.ts [wakes=50]
 * Real Home Assistant 2024.3.3 (a template binary_sensor over an input_boolean), the appliance's
 * presence state machine, the `kiosk.presence` SSE event, the kiosk page in Chromium timed by a
 * MutationObserver on its `data-screen`. Anchor, same run: a direct home-assistant-js-websocket
 * subscriber seeing the sensor turn on. Between wakes the wall is darkened by the admin route
 * (not timed), so every wake is a real off → awake change.
 */
import { waitFor } from '@hearth/testkit';
import { DEFAULT_KIOSK_LAYOUT } from '@hearth/protocol';
import { startHomeAssistant } from '@hearth/ha-integration';
import { createConnection, createLongLivedTokenAuth } from 'home-assistant-js-websocket';
import { launchChromium, pairedPage, startKioskAppliance } from '../../kiosk/test/support.js';

const WAKES = Number(process.argv[2] ?? 50);
const SENSOR = 'binary_sensor.bench_motion';
const TRIP = 'input_boolean.bench_motion_trip';
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const now = () => performance.timeOrigin + performance.now();

const ha = await startHomeAssistant({
  packages: {
    bench: `input_boolean:\n  bench_motion_trip:\n    name: Bench motion trip\nbinary_sensor:\n  - platform: template\n    sensors:\n      bench_motion:\n        device_class: motion\n        value_template: "{{ is_state('${TRIP}', 'on') }}"\n`,
  },
});
const { t, admin } = await startKioskAppliance();
const browser = await launchChromium();
try {
  await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
  await waitFor(async () => (await admin.get('/api/ha/status')).json.state === 'connected', { timeoutMs: 30_000 });
  await admin.put('/api/admin/kiosk/layout', {
    ...DEFAULT_KIOSK_LAYOUT,
    night: { ...DEFAULT_KIOSK_LAYOUT.night, scheduled: false },
    presence: { enabled: true, entityIds: [SENSOR], minOnS: 0, photosAfterS: 0, offAfterS: 3600 },
  });
  const { context, page } = await pairedPage(browser, t, admin);
  await page.evaluate(() => {
    const w = window as unknown as { awakeAt: number | null };
    w.awakeAt = null;
    new MutationObserver(() => {
      if (w.awakeAt === null && document.querySelector('.kiosk')?.getAttribute('data-screen') === 'awake')
        w.awakeAt = performance.timeOrigin + performance.now();
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-screen'] });
  });
  const direct = await createConnection({ auth: createLongLivedTokenAuth(ha.url, ha.token) });
  let directAt: number | null = null;
  await direct.subscribeMessage<{ data: { entity_id: string; new_state: { state: string } | null } }>(
    (e) => {
      if (e.data.entity_id === SENSOR && e.data.new_state?.state === 'on') directAt ??= now();
    },
    { type: 'subscribe_events', event_type: 'state_changed' },
  );

  const viaKiosk: number[] = [];
  const viaDirect: number[] = [];
  for (let i = 0; i < WAKES; i++) {
    await ha.callService('input_boolean', 'turn_off', { entity_id: TRIP });
    await ha.waitForState(SENSOR, (s) => s.state === 'off', 5000);
    await admin.put('/api/admin/kiosk/screen', { on: false });
    await page.waitForSelector('.kiosk[data-screen="off"]');
    await page.evaluate(() => {
      (window as unknown as { awakeAt: number | null }).awakeAt = null;
    });
    directAt = null;
    const sent = now();
    await ha.callService('input_boolean', 'turn_on', { entity_id: TRIP });
    const shown = await page.waitForFunction(() => (window as unknown as { awakeAt: number | null }).awakeAt, undefined, { polling: 'raf' });
    await waitFor(() => directAt !== null, { timeoutMs: 5000, intervalMs: 1 });
    viaKiosk.push(Number(await shown.jsonValue()) - sent);
    viaDirect.push(directAt! - sent);
  }
  direct.close();
  await context.close();
  const row = (path: string, xs: number[]) => ({ path, p50_ms: +percentile(xs, 50).toFixed(1), p99_ms: +percentile(xs, 99).toFixed(1) });
  const k = row('HA motion → appliance presence → kiosk awake (DOM)', viaKiosk);
  const a = row('HA motion → direct websocket subscriber (anchor)', viaDirect);
  console.table([k, a]);
  console.log(
    `presence → awake over ${WAKES} wakes: p99 ${k.p99_ms} ms (target ≤ 1000 ms: ${k.p99_ms <= 1000 ? 'met' : 'NOT met'}); ratio p50 ${(k.p50_ms / a.p50_ms).toFixed(2)}×, p99 ${(k.p99_ms / a.p99_ms).toFixed(2)}×`,
  );
} finally {
  await browser.close();
  await t.close();
  await ha.stop();
}
