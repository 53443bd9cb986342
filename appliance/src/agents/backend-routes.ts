import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import {
  BackendTestRequest,
  BackendTestResult,
  BackendsEdit,
  BackendsSaved,
  CheckpointsResponse,
  MAX_WORKFLOW_BYTES,
  NodeId,
  WorkflowImportRequest,
  WorkflowImportResult,
  missingLlmField,
  type AgentReply,
  type BackendsView,
} from '@hearth/protocol';
import { HttpError, invalidField, notFound } from '../http/errors.js';
import type { AgentRegistry } from './agent-registry.js';
import type { AgentRequester } from './agent-requests.js';
import type { KnownAgents } from './known-agents.js';

const ADMIN = ['admin'] as const;
const Params = Type.Object({ id: NodeId }, { additionalProperties: false });
/** How long each request may take on the agent: a test waits up to 15 s for a server, /object_info up to 60 s. */
const APPLY_MS = 20_000;
const TEST_MS = 25_000;
const IMPORT_MS = 75_000;
const CATCH_UP_RETRY_MS = 60_000;

/** The saved edit, as the settings file keeps it per agent. */
export function savedBackends(settings: { section<T>(name: string, fallback: T): T }): Record<string, BackendsEdit> {
  return settings.section<Record<string, BackendsEdit>>('agentBackends', {});
}

/** Whether what the agent announced is what the admin saved (only the fields the portal edits). */
export function sameBackends(saved: BackendsEdit, now: BackendsView | null): boolean {
  const pick = (b: BackendsEdit | BackendsView | null | undefined) =>
    JSON.stringify({
      comfyui: b?.comfyui ? { url: b.comfyui.url, checkpoint: b.comfyui.checkpoint } : null,
      llm: b?.llm ? { kind: b.llm.kind, url: b.llm.url ?? null, model: b.llm.model ?? null, modelPath: b.llm.modelPath ?? null } : null,
    });
  return pick(saved) === pick(now);
}

function failed(reply: AgentReply): never {
  throw new HttpError(502, `The computer could not do this: ${'message' in reply ? reply.message : 'unexpected answer'}`, {}, undefined, 'agent.failed');
}

/**
 * Admin → Computers: each computer's ComfyUI and LLM, saved here (settings.json, `agentBackends`),
 * pushed to the agent over MQTT and applied there without a restart; "test connection" and
 * workflow imports are answered by the agent, which is the one that can reach its servers.
 * A computer that is asleep gets its saved settings when it is back online.
 */
export const backendRoutes: FastifyPluginAsyncTypebox<{ registry: AgentRegistry; known: KnownAgents; requester: AgentRequester; log: Logger }> = async (
  app,
  opts,
) => {
  const { registry, known, requester, log } = opts;
  const computer = (id: string) => {
    if (!registry.view(id) && !known.list().some((k) => k.agentId === id)) throw notFound('Computer');
  };
  const online = (id: string) => {
    const state = registry.view(id)?.availability ?? 'offline';
    if (state !== 'online') throw new HttpError(409, `The computer ${id} is ${state}: wake it first`, {}, undefined, 'agent.offline');
  };
  const checkEdit = (edit: BackendsEdit) => {
    const missing = edit.llm ? missingLlmField(edit.llm) : null;
    if (missing)
      throw invalidField({ message: `llm.${missing} is required for a ${edit.llm!.kind} language model`, field: `llm.${missing}`, code: 'required' });
  };

  /**
   * Push the saved settings to a computer that runs something else (after it comes back online).
   * Agent changes arrive with every telemetry update: a computer that refused or did not answer
   * is asked again at most once a minute; one being asked (here or by a save) is not asked twice.
   */
  const inFlight = new Set<string>();
  const lastFailure = new Map<string, number>();
  const catchUp = (agentId: string) => {
    const saved = savedBackends(app.settings)[agentId];
    if (!saved || inFlight.has(agentId) || registry.view(agentId)?.availability !== 'online' || sameBackends(saved, registry.backends(agentId))) return;
    if (Date.now() - (lastFailure.get(agentId) ?? -Infinity) < CATCH_UP_RETRY_MS) return;
    inFlight.add(agentId);
    log.info({ agentId }, 'pushing saved backend settings to a computer that is back');
    const failed = (why: string) => {
      lastFailure.set(agentId, Date.now());
      log.warn({ agentId, why }, 'could not apply saved backend settings on the computer');
    };
    void requester
      .ask(agentId, { op: 'apply', backends: saved }, APPLY_MS)
      .then(
        (reply) => (reply.ok ? lastFailure.delete(agentId) : failed(reply.message)),
        (err: Error) => failed(err.message),
      )
      .finally(() => inFlight.delete(agentId));
  };
  registry.on('change', (view) => catchUp(view.agentId));

  app.put(
    '/api/agents/:id/backends',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['agents'],
        summary: "Save a computer's ComfyUI and LLM settings and apply them there now (or when it is back online)",
        params: Params,
        body: BackendsEdit,
        response: { 200: BackendsSaved },
      },
    },
    async (request): Promise<BackendsSaved> => {
      const { id } = request.params;
      computer(id);
      checkEdit(request.body);
      app.audit.record({
        actor: request.principal,
        action: 'agent.backends',
        target: `agent:${id}`,
        ip: request.ip,
        detail: { comfyui: request.body.comfyui?.url ?? null, llm: request.body.llm ? (request.body.llm.url ?? request.body.llm.modelPath ?? null) : null },
      });
      await app.settings.update((draft) => {
        draft.agentBackends = { ...draft.agentBackends, [id]: request.body };
      });
      if (registry.view(id)?.availability !== 'online') return { applied: false };
      inFlight.add(id);
      try {
        const reply = await requester.ask(id, { op: 'apply', backends: request.body }, APPLY_MS);
        if (!reply.ok || reply.op !== 'apply') failed(reply);
        return { applied: true, backends: reply.backends };
      } finally {
        inFlight.delete(id);
      }
    },
  );

  app.post(
    '/api/agents/:id/backends/test',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['agents'],
        summary: "The computer tries a ComfyUI or LLM server (the form's values) and says what it answered",
        params: Params,
        body: BackendTestRequest,
        response: { 200: BackendTestResult },
      },
    },
    async (request): Promise<BackendTestResult> => {
      const { id } = request.params;
      computer(id);
      if (request.body.backend === 'llm') checkEdit(request.body.backends);
      online(id);
      const reply = await requester.ask(id, { op: 'test', backend: request.body.backend, backends: request.body.backends }, TEST_MS);
      if (!reply.ok || reply.op !== 'test') failed(reply);
      return reply.result;
    },
  );

  app.post(
    '/api/agents/:id/workflows',
    {
      config: { access: ADMIN },
      bodyLimit: MAX_WORKFLOW_BYTES,
      schema: {
        tags: ['agents'],
        summary: "Import a ComfyUI workflow (API format) as a job type's template on this computer; the computer checks it against its ComfyUI",
        params: Params,
        body: WorkflowImportRequest,
        response: { 200: WorkflowImportResult },
      },
    },
    async (request): Promise<WorkflowImportResult> => {
      const { id } = request.params;
      computer(id);
      online(id);
      app.audit.record({
        actor: request.principal,
        action: 'agent.workflow',
        target: `agent:${id}`,
        ip: request.ip,
        detail: { template: request.body.template, nodes: Object.keys(request.body.workflow).length },
      });
      const reply = await requester.ask(id, { op: 'import-workflow', template: request.body.template, workflow: request.body.workflow }, IMPORT_MS);
      if (!reply.ok || reply.op !== 'import-workflow') failed(reply);
      return reply.result;
    },
  );

  app.get(
    '/api/checkpoints',
    {
      config: { access: ['admin', 'member'] },
      schema: {
        tags: ['agents'],
        summary: "Checkpoint files the family's ComfyUI servers list, for the generate and restyle forms",
        response: { 200: CheckpointsResponse },
      },
    },
    async (): Promise<CheckpointsResponse> => ({ checkpoints: registry.checkpoints() }),
  );
};
