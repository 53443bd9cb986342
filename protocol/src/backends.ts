import { Type, type Static } from '@sinclair/typebox';
import { BACKEND_FAILURES, LLM_KINDS, WORKFLOW_TEMPLATES } from './plain.js';

/**
 * A GPU agent's server backends as the portal edits them, and the request/reply exchange over
 * MQTT through which the appliance pushes them and asks the agent to try them.
 *
 * Requests go to `hearth/appliance/agent-requests/<agentId>` (agentRequestTopic in mqtt.ts) (only the appliance may write under
 * `hearth/appliance/`), replies come back on the agent's own `hearth/agent/<id>/reply` — both
 * inside the ACL of protocol/src/mqtt-acl.ts. Neither carries secrets (Home Assistant reads
 * `hearth/#`): an API key stays in the agent's own settings file and is kept across edits.
 */

/** http(s) base URL, e.g. http://192.168.1.20:8188. */
export const BackendUrl = Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', maxLength: 500, description: 'base URL, e.g. http://127.0.0.1:8188' });
const ModelFileName = Type.String({ minLength: 1, maxLength: 260, pattern: '^[^\\0]+$' });
/** Absolute path of a GGUF model file on the agent's machine. */
export const GgufPath = Type.String({ minLength: 1, maxLength: 1000, pattern: '^/[^\\0]*\\.gguf$' });

export const ComfyUiBackendEdit = Type.Object(
  {
    url: BackendUrl,
    /** Default checkpoint (a file name from the server's CheckpointLoaderSimple list). */
    checkpoint: ModelFileName,
  },
  { additionalProperties: false },
);
export type ComfyUiBackendEdit = Static<typeof ComfyUiBackendEdit>;

/** `openai` / `ollama` need `url` and `model`; `builtin` needs `modelPath` (checked beyond the schema, per field). */
export const LlmBackendEdit = Type.Object(
  {
    kind: Type.Union(LLM_KINDS.map((k) => Type.Literal(k))),
    url: Type.Optional(BackendUrl),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    modelPath: Type.Optional(GgufPath),
  },
  { additionalProperties: false },
);
export type LlmBackendEdit = Static<typeof LlmBackendEdit>;

/** What an admin sets; a backend left out is removed from the agent. */
export const BackendsEdit = Type.Object({ comfyui: Type.Optional(ComfyUiBackendEdit), llm: Type.Optional(LlmBackendEdit) }, { additionalProperties: false });
export type BackendsEdit = Static<typeof BackendsEdit>;

/** The fields a kind of LLM needs, for the per-field check after the schema. */
export function missingLlmField(llm: LlmBackendEdit): 'url' | 'model' | 'modelPath' | null {
  if (llm.kind === 'builtin') return llm.modelPath ? null : 'modelPath';
  if (!llm.url) return 'url';
  return llm.model ? null : 'model';
}

const MAX_CHECKPOINTS = 100;

/** What an agent announces about its backends (its announcement's `backends`). */
export const BackendsView = Type.Object(
  {
    comfyui: Type.Optional(
      Type.Object(
        {
          url: BackendUrl,
          checkpoint: ModelFileName,
          /** The server's checkpoint files, when it last answered; offered in the generate/restyle forms. */
          checkpoints: Type.Array(ModelFileName, { maxItems: MAX_CHECKPOINTS }),
        },
        { additionalProperties: false },
      ),
    ),
    llm: Type.Optional(LlmBackendEdit),
  },
  { additionalProperties: false },
);
export type BackendsView = Static<typeof BackendsView>;
export const MAX_ANNOUNCED_CHECKPOINTS = MAX_CHECKPOINTS;

/** An exported workflow is a few KB to a few hundred KB. */
export const MAX_WORKFLOW_BYTES = 512 * 1024;

export const BackendTestResult = Type.Object(
  {
    ok: Type.Boolean(),
    /** ComfyUI: its version (`system_stats`); LLM server: what it calls itself when it says. */
    version: Type.Optional(Type.String({ maxLength: 80 })),
    /** ComfyUI: how many node classes `/object_info` lists. */
    nodes: Type.Optional(Type.Integer({ minimum: 0 })),
    /** ComfyUI checkpoints, or the models an LLM server lists. */
    models: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: MAX_CHECKPOINTS })),
    /** Built-in LLM: the model file's size. */
    bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    failure: Type.Optional(Type.Union(BACKEND_FAILURES.map((f) => Type.Literal(f)))),
    /** The server's answer or the error, short, for the admin. */
    detail: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type BackendTestResult = Static<typeof BackendTestResult>;

export const WorkflowImportResult = Type.Object(
  {
    accepted: Type.Boolean(),
    /** Each problem names its node, e.g. `node 4 (CheckpointLoaderSimple): …`. */
    problems: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type WorkflowImportResult = Static<typeof WorkflowImportResult>;

const RequestId = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' });

export const AgentRequest = Type.Union([
  Type.Object({ id: RequestId, op: Type.Literal('apply'), backends: BackendsEdit }, { additionalProperties: false }),
  Type.Object(
    { id: RequestId, op: Type.Literal('test'), backend: Type.Union([Type.Literal('comfyui'), Type.Literal('llm')]), backends: BackendsEdit },
    { additionalProperties: false },
  ),
  Type.Object(
    { id: RequestId, op: Type.Literal('import-workflow'), template: Type.Union(WORKFLOW_TEMPLATES.map((t) => Type.Literal(t))), workflow: Type.Unknown() },
    { additionalProperties: false },
  ),
]);
export type AgentRequest = Static<typeof AgentRequest>;

export const AgentReply = Type.Union([
  Type.Object({ id: RequestId, ok: Type.Literal(true), op: Type.Literal('apply'), backends: BackendsView }, { additionalProperties: false }),
  Type.Object({ id: RequestId, ok: Type.Literal(true), op: Type.Literal('test'), result: BackendTestResult }, { additionalProperties: false }),
  Type.Object({ id: RequestId, ok: Type.Literal(true), op: Type.Literal('import-workflow'), result: WorkflowImportResult }, { additionalProperties: false }),
  Type.Object({ id: RequestId, ok: Type.Literal(false), message: Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
]);
export type AgentReply = Static<typeof AgentReply>;

/** Largest request or reply on these topics (a workflow is the big one). */
export const MAX_AGENT_REQUEST_BYTES = MAX_WORKFLOW_BYTES + 4096;

/** `PUT /api/agents/:id/backends`: what the agent runs now, or that it gets them when it is back. */
export const BackendsSaved = Type.Object({ applied: Type.Boolean(), backends: Type.Optional(BackendsView) }, { additionalProperties: false });
export type BackendsSaved = Static<typeof BackendsSaved>;

/** `POST /api/agents/:id/backends/test`: try the form's values (not yet saved) for one backend. */
export const BackendTestRequest = Type.Object(
  { backend: Type.Union([Type.Literal('comfyui'), Type.Literal('llm')]), backends: BackendsEdit },
  { additionalProperties: false },
);
export type BackendTestRequest = Static<typeof BackendTestRequest>;

/** `POST /api/agents/:id/workflows`: an API-format export to use as a template on that computer. */
export const WorkflowImportRequest = Type.Object(
  { template: Type.Union(WORKFLOW_TEMPLATES.map((t) => Type.Literal(t))), workflow: Type.Object({}, { additionalProperties: true }) },
  { additionalProperties: false },
);
export type WorkflowImportRequest = Static<typeof WorkflowImportRequest>;

/** Per computer, for the admin's Computers page: what it runs now, and what was saved for it. */
export const ComputerBackendsView = Type.Object(
  {
    now: Type.Optional(BackendsView),
    /** Saved from the portal; `pending` while the computer has not applied it yet (asleep). */
    saved: Type.Optional(BackendsEdit),
    pending: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ComputerBackendsView = Static<typeof ComputerBackendsView>;

/** `GET /api/checkpoints`: checkpoint files the family's ComfyUI servers list (generate/restyle forms). */
export const CheckpointsResponse = Type.Object({ checkpoints: Type.Array(Type.String()) }, { additionalProperties: false });
export type CheckpointsResponse = Static<typeof CheckpointsResponse>;
