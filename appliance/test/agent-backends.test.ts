/**
 * Backends managed from the portal, end to end with real processes: a real appliance (private
 * Redis and Mosquitto), a real gpu-agent process, the ComfyUI stand-in that replays a real
 * ComfyUI 0.3.64's recordings, and a real llama.cpp server (llama-cpp-python, SmolLM2-135M).
 * The admin's settings are saved, audited, pushed to the agent over MQTT and applied there
 * without a restart (its announced capabilities change); the agent keeps them (0600) across a
 * restart; a computer that was away gets them when it is back. Tests of connections report what
 * the servers answered; workflow imports are checked against the ComfyUI's /object_info.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlamaServer, tempDir, waitFor, type LlamaServer } from '@hearth/testkit';
import { startAgent, type AgentProcess } from '../../gpu-agent/test/helpers.js';
import { STANDIN_NVIDIA_SMI } from '../../gpu-agent/test/fixtures.js';
import { ComfyStandin } from '../../gpu-agent/test/standins/comfyui/server.js';
import { startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';

const ID = 'family-pc';
let t: TestAppliance;
let comfy: ComfyStandin;
let llama: LlamaServer;
let admin: HttpClient;
let member: HttpClient;
let agent: AgentProcess | undefined;
let dir: Awaited<ReturnType<typeof tempDir>>;
let token: string;

const start = () => {
  agent = startAgent({
    AGENT_ID: ID,
    AGENT_NAME: 'Family PC',
    MQTT_URL: t.mosquitto.url,
    REDIS_URL: t.redis.url,
    APPLIANCE_URL: t.url,
    AGENT_TOKEN: token,
    AGENT_DATA_DIR: join(dir.path, 'agent'),
    NVIDIA_SMI: STANDIN_NVIDIA_SMI,
    LOG_LEVEL: 'info',
  });
  return agent;
};
const view = async () => {
  const res = await admin.get('/api/agents');
  return {
    live: (res.json.agents as Array<{ agentId: string; availability: string; capabilities: string[] }>).find((a) => a.agentId === ID),
    backends: res.json.backends?.[ID],
  };
};
const capabilities = async () => (await view()).live?.capabilities ?? [];
const online = () => waitFor(async () => (await view()).live?.availability === 'online', { timeoutMs: 60_000, what: `the agent online\n${agent?.output()}` });

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  dir = await tempDir('hearth-backends-');
  [t, comfy, llama] = await Promise.all([startTestAppliance({ product: true }), new ComfyStandin().start(), startLlamaServer()]);
  admin = await t.admin();
  member = await t.user(admin, 'member', 'dad');
  token = (await admin.post('/api/admin/devices', { kind: 'agent', name: 'Family PC' })).json.token as string;
  start();
  await online();
}, 900_000);
afterAll(async () => {
  await agent?.stop('SIGKILL');
  await comfy?.stop();
  await llama?.stop();
  await t?.close();
  await dir?.remove();
});

describe('backends managed from the portal', () => {
  it('refuses members, bad addresses and missing fields, with the field named', { timeout: 60_000 }, async () => {
    const edit = { comfyui: { url: comfy.url, checkpoint: comfy.models.checkpoints[0] } };
    expect((await member.put(`/api/agents/${ID}/backends`, edit)).status).toBe(403);
    expect((await member.post(`/api/agents/${ID}/backends/test`, { backend: 'comfyui', backends: edit })).status).toBe(403);
    expect((await member.post(`/api/agents/${ID}/workflows`, { template: 'text-to-image', workflow: {} })).status).toBe(403);

    const badUrl = await admin.put(`/api/agents/${ID}/backends`, { comfyui: { url: 'ftp://pc:8188', checkpoint: 'x.safetensors' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.json).toMatchObject({ field: 'comfyui.url', code: 'pattern' });
    const noModel = await admin.put(`/api/agents/${ID}/backends`, { llm: { kind: 'openai', url: llama.url } });
    expect(noModel.status).toBe(400);
    expect(noModel.json).toMatchObject({ field: 'llm.model', code: 'required' });
    const polish = await admin.put(`/api/agents/${ID}/backends`, { llm: { kind: 'builtin', modelPath: 'relative.gguf' } }, { 'accept-language': 'pl' });
    expect(polish.json).toMatchObject({ field: 'llm.modelPath', code: 'pattern' });
    expect((await admin.put('/api/agents/nobody/backends', edit)).status).toBe(404);
    // Nothing was saved or pushed by any of these.
    expect((await view()).backends?.saved).toBeUndefined();
    expect(await capabilities()).not.toContain('comfyui');
  });

  it('tests a ComfyUI and a llama.cpp server and says what they answered', { timeout: 120_000 }, async () => {
    const ok = await admin.post(`/api/agents/${ID}/backends/test`, {
      backend: 'comfyui',
      backends: { comfyui: { url: comfy.url, checkpoint: comfy.models.checkpoints[0] } },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, version: '0.3.64', models: comfy.models.checkpoints });
    expect(ok.json.nodes).toBeGreaterThan(10);

    const missing = await admin.post(`/api/agents/${ID}/backends/test`, {
      backend: 'comfyui',
      backends: { comfyui: { url: comfy.url, checkpoint: 'nope.safetensors' } },
    });
    expect(missing.json).toMatchObject({ ok: false, failure: 'model-missing', detail: 'nope.safetensors', models: comfy.models.checkpoints });

    const down = await admin.post(`/api/agents/${ID}/backends/test`, {
      backend: 'comfyui',
      backends: { comfyui: { url: `http://127.0.0.1:${await closedPort()}`, checkpoint: 'x' } },
    });
    expect(down.json).toMatchObject({ ok: false, failure: 'unreachable' });
    expect(down.json.detail).toMatch(/ECONNREFUSED/);

    const llm = await admin.post(`/api/agents/${ID}/backends/test`, {
      backend: 'llm',
      backends: { llm: { kind: 'openai', url: llama.url, model: 'SmolLM2-135M-Instruct.Q4_1' } },
    });
    expect(llm.json.ok).toBe(true);
    expect(llm.json.models).toHaveLength(1);
    expect(llm.json.models[0]).toMatch(/SmolLM2-135M-Instruct\.Q4_1\.gguf$/);
    // A ComfyUI is not an LLM server: it answers, but not like one.
    const wrong = await admin.post(`/api/agents/${ID}/backends/test`, { backend: 'llm', backends: { llm: { kind: 'openai', url: comfy.url, model: 'm' } } });
    expect(wrong.json).toMatchObject({ ok: false, failure: 'http' });
  });

  it('saves, audits and applies settings live: the capabilities follow, the agent keeps them 0600', { timeout: 180_000 }, async () => {
    const before = await admin.get('/api/admin/audit?action=agent.backends');
    const edit = {
      comfyui: { url: comfy.url, checkpoint: comfy.models.checkpoints[1] },
      llm: { kind: 'openai', url: llama.url, model: 'SmolLM2-135M-Instruct.Q4_1' },
    };
    const saved = await admin.put(`/api/agents/${ID}/backends`, edit);
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ applied: true, backends: { comfyui: { url: comfy.url, checkpoint: comfy.models.checkpoints[1] }, llm: edit.llm } });
    await waitFor(async () => (await capabilities()).includes('comfyui') && (await capabilities()).includes('llm'), {
      timeoutMs: 60_000,
      what: 'comfyui and llm offered',
    });
    // The checkpoints its ComfyUI lists are announced and offered to the forms; others are refused at submit.
    await waitFor(async () => (await member.get('/api/checkpoints')).json.checkpoints.length === 2, { timeoutMs: 30_000, what: 'checkpoints announced' });
    const v = await view();
    expect(v.backends).toMatchObject({ pending: false, saved: edit, now: { comfyui: { checkpoints: [...comfy.models.checkpoints].sort() } } });
    const bad = await member.post('/api/jobs', { type: 'image.generate', input: { prompt: 'a cat', checkpoint: 'other.safetensors' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ field: 'input.checkpoint', code: 'one-of' });
    const good = await member.post('/api/jobs', {
      type: 'image.generate',
      input: { prompt: 'a cat', width: 512, height: 512, steps: 2, checkpoint: comfy.models.checkpoints[0] },
    });
    expect(good.status).toBe(201);
    await waitFor(async () => (await member.get(`/api/jobs/${good.json.id}`)).json.status === 'succeeded', {
      timeoutMs: 120_000,
      what: `the generate job\n${agent?.output()}`,
    });
    const prompt = comfy.requests.find((r) => r.path === '/prompt')!.body as {
      prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    };
    expect(Object.values(prompt.prompt).find((n) => n.class_type === 'CheckpointLoaderSimple')!.inputs.ckpt_name).toBe(comfy.models.checkpoints[0]);

    const audit = (await admin.get('/api/admin/audit?action=agent.backends')).json.entries as Array<{ target: string; detail: Record<string, unknown> }>;
    expect(audit.length).toBe(before.json.entries.length + 1);
    expect(audit[0]).toMatchObject({ target: `agent:${ID}`, detail: { comfyui: comfy.url, llm: llama.url } });

    const file = join(dir.path, 'agent', 'backends.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ comfyui: edit.comfyui, llm: edit.llm });

    // Removing the language model withdraws its capability, still without a restart.
    expect((await admin.put(`/api/agents/${ID}/backends`, { comfyui: edit.comfyui })).json.applied).toBe(true);
    await waitFor(async () => !(await capabilities()).includes('llm'), { timeoutMs: 60_000, what: 'llm withdrawn' });
    expect(await capabilities()).toContain('comfyui');
    expect(agent!.output()).not.toMatch(/agent started[\s\S]*agent started/);
  });

  it('imports a workflow that fits, and refuses one naming the missing node and marker', { timeout: 120_000 }, async () => {
    const shipped = JSON.parse(await readFile(new URL('../../gpu-agent/workflows/text-to-image.json', import.meta.url), 'utf8')) as Record<
      string,
      { class_type: string; inputs: Record<string, unknown>; _meta?: { title: string } }
    >;
    const ok = await admin.post(`/api/agents/${ID}/workflows`, { template: 'text-to-image', workflow: shipped });
    expect(ok.json).toEqual({ accepted: true, problems: [] });
    expect(JSON.parse(await readFile(join(dir.path, 'agent', 'workflows', 'text-to-image.json'), 'utf8'))).toMatchObject({ [Object.keys(shipped)[0]!]: {} });

    const broken = structuredClone(shipped);
    broken['99'] = { class_type: 'FancyUpscaler', inputs: { image: ['1', 0] } };
    const prompt = Object.entries(broken).find(([, n]) => n._meta?.title.includes('hearth:prompt'))!;
    prompt[1]._meta = { title: 'Prompt' };
    const refused = await admin.post(`/api/agents/${ID}/workflows`, { template: 'text-to-image', workflow: broken });
    expect(refused.json.accepted).toBe(false);
    expect(refused.json.problems.join('\n')).toContain('node 99 (FancyUpscaler)');
    expect(refused.json.problems.join('\n')).toMatch(/hearth:prompt/);
    const audit = (await admin.get('/api/admin/audit?action=agent.workflow')).json.entries as unknown[];
    expect(audit).toHaveLength(2);
  });

  it('keeps its settings across a restart, and a computer that was away gets what was saved meanwhile', { timeout: 240_000 }, async () => {
    await agent!.stop('SIGKILL');
    await waitFor(async () => (await view()).live?.availability !== 'online', { timeoutMs: 60_000, what: 'the agent offline' });
    const edit = { llm: { kind: 'openai', url: llama.url, model: 'SmolLM2-135M-Instruct.Q4_1' } };
    const saved = await admin.put(`/api/agents/${ID}/backends`, edit);
    expect(saved.json).toEqual({ applied: false });
    expect((await view()).backends).toMatchObject({ pending: true, saved: edit });
    expect((await admin.post(`/api/agents/${ID}/backends/test`, { backend: 'llm', backends: edit })).json).toMatchObject({ code: 'agent.offline' });

    start();
    await online();
    // It starts with what it kept (ComfyUI only), then applies what was saved while it was away.
    await waitFor(
      async () => {
        const caps = await capabilities();
        return caps.includes('llm') && !caps.includes('comfyui');
      },
      { timeoutMs: 90_000, what: `the saved settings applied after coming back\n${agent?.output()}` },
    );
    expect((await view()).backends).toMatchObject({ pending: false });
    expect(agent!.output()).toContain('backends as last set from the portal');
  });
});
