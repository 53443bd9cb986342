import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@hearth/testkit';
import { TfjsRuntime } from './runtime.js';

const runtimes: TfjsRuntime[] = [];
const runtime = (idleUnloadMs: number) => {
  const r = new TfjsRuntime('wasm', { idleUnloadMs });
  runtimes.push(r);
  return r;
};

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

describe('TfjsRuntime: tfjs in a worker started on first use and unloaded when idle', { timeout: 120_000 }, () => {
  it('starts no worker until the first request', () => {
    const r = runtime(0);
    expect(r.running).toBe(false);
    expect(r.starts).toBe(0);
  });

  it('terminates the worker after the idle time, keeps one without it, and starts afresh on the next request', async () => {
    const unloading = runtime(300);
    const keeping = runtime(0);
    // Loading a model takes far longer than 300 ms here: the idle clock runs only between requests.
    await Promise.all([unloading.request({ op: 'load', model: 'esrgan-x2' }), keeping.request({ op: 'load', model: 'esrgan-x2' })]);
    expect(unloading.running).toBe(true);
    await waitFor(() => !unloading.running, { timeoutMs: 30_000, what: 'the idle worker terminated' });
    expect(keeping.running).toBe(true);

    // The model went with the worker; the next request loads it again in a new one.
    await unloading.request({ op: 'load', model: 'esrgan-x2' });
    expect(unloading.starts).toBe(2);
    expect(await unloading.request({ op: 'unload', models: [] })).toBe(1);
  });

  it('unload() of the last model terminates the worker at once', async () => {
    const r = runtime(0);
    await r.request({ op: 'load', model: 'esrgan-x2' });
    await r.unload(['esrgan-x2']);
    expect(r.running).toBe(false);
  });
});
