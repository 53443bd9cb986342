/**
 * A hub reboot while a job runs: the agent cannot reach the appliance for its input. That is not
 * the job's fault — the agent waits (with backoff, bounded by the job's timeout) without spending
 * the job's attempts, and the job succeeds once the appliance is back. Real appliance, Redis,
 * Mosquitto and gpu-agent process; the agent's longest wait between tries is shortened so the
 * outage can outlast the old 5-try window quickly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letJobsWaitForAComputer } from '../../appliance/test/support/harness.js';
import { deviceClient, startJobsAppliance, uploadForm, type JobsAppliance } from '../../appliance/test/jobs-fixtures.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { testPhoto } from '../src/runners/builtin/test-support.js';
import { startAgent, waitFor, type AgentProcess } from './helpers.js';

let lab: JobsAppliance;
let admin: HttpClient;
let agentToken: string;
let agentDir: string;
let agent: AgentProcess | undefined;

beforeAll(async () => {
  lab = await startJobsAppliance({ tuning: { jobs: { stallIntervalMs: 5000 } } });
  // Jobs may be submitted before the agent has announced itself: they wait for it instead of being refused.
  await letJobsWaitForAComputer(lab.t);
  admin = await lab.t.admin();
  agentToken = (await deviceClient(lab.t, admin, 'agent')).bearer!;
  agentDir = await mkdtemp(join(tmpdir(), 'hearth-outage-agent-'));
}, 60_000);

afterAll(async () => {
  await agent?.stop('SIGKILL');
  await lab?.close();
  if (agentDir) await rm(agentDir, { recursive: true, force: true });
});

describe('an appliance that is down while the agent runs a job', () => {
  it('is waited for: the job succeeds after the outage, on its first attempt', async () => {
    const upload = await admin.post('/api/media', uploadForm(await testPhoto(64, 48, 200)));
    expect(upload.status, upload.text).toBe(201);
    const submitted = await admin.post('/api/jobs', { type: 'image.upscale', input: { mediaId: upload.json.id, scale: 2 } });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.json.id as string;

    // The hub goes down with the job in the queue; Redis (elsewhere) stays up.
    await lab.t.running.stop();
    agent = startAgent({
      AGENT_ID: 'outage-pc',
      MQTT_URL: lab.t.mosquitto.url,
      REDIS_URL: lab.t.redis.url,
      APPLIANCE_URL: lab.t.url,
      AGENT_TOKEN: agentToken,
      AGENT_DATA_DIR: agentDir,
      NVIDIA_SMI: join(agentDir, 'no-nvidia-smi'),
      APPLIANCE_RETRY_MAX_MS: '300',
      LOG_LEVEL: 'info',
    });
    // Ten unreachable tries logged (the old client gave up, and failed the job, after five).
    // (The first call of a job is starting its attempt on the appliance, then fetching its input.)
    await waitFor(() => /(starting job|fetching input) .*the appliance is unreachable; waiting for it.*"tries":10/.test(agent!.output()), {
      timeoutMs: 90_000,
      intervalMs: 100,
      what: `ten waits in the agent's log\n${agent.output().slice(-2000)}`,
    });
    expect(agent.output()).not.toMatch(/failed after \d+ tries/);

    await lab.t.restart();
    const done = await waitFor(
      async () => {
        const job = (await admin.get(`/api/jobs/${id}`)).json;
        return job.status === 'succeeded' || job.status === 'failed' ? job : null;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `job ${id} finished\n${agent.output().slice(-2000)}` },
    );
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(agent.output()).toMatch(/the appliance is reachable again/);
  }, 240_000);
});
