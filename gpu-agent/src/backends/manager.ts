/**
 * The agent's ComfyUI and LLM backends while it runs: the admin's edits from the portal arrive
 * as requests (over MQTT, see presence), are checked, saved to `<dataDir>/backends.json` (0600,
 * written atomically) and applied at once — the runner of a changed backend is swapped in the
 * registry and the watcher checks the new server, so the offered capabilities follow without a
 * restart. Also answers "test connection" and checks imported workflows against the server.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  MAX_ANNOUNCED_CHECKPOINTS,
  missingLlmField,
  type AgentReply,
  type AgentRequest,
  type BackendsEdit,
  type BackendsView,
  type WorkflowImportResult,
} from '@hearth/protocol';
import type { AgentState } from '../agent-state.js';
import type { Logger } from '../log.js';
import { ComfyClient } from '../runners/comfyui/client.js';
import { ComfyUiRunner } from '../runners/comfyui/runner.js';
import { checkWorkflowImport } from '../runners/comfyui/workflow-import.js';
import { LlmRunner, chatBackend } from '../runners/llm/runner.js';
import type { Runner } from '../runners/runner.js';
import type { RunnerRegistry } from '../worker/runner-registry.js';
import { testComfyUi, testLlm } from './probe.js';
import { BackendSettingsError, parseBackendSettings, type BackendSettings, type ComfyUiSettings, type LlmSettings } from './settings.js';
import type { BackendWatcher } from './watcher.js';

export interface BackendManagerOptions {
  settings: BackendSettings;
  /** Where the portal's settings are kept (`<dataDir>/backends.json`). */
  file: string;
  /** Where imported workflows are kept; they win over the shipped templates. */
  workflowsDir: string;
  registry: RunnerRegistry;
  watcher: BackendWatcher;
  state: AgentState;
  log: Logger;
  modelIdleUnloadMs: number;
}

/** Saved settings from the portal, if there are any (they win over AGENT_BACKENDS). */
export async function readSavedBackends(file: string): Promise<BackendSettings | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseBackendSettings(JSON.parse(text));
}

/** A runner for each configured server backend (the built-in LLM unloads after the agent's model idle time). */
export function comfyRunner(settings: ComfyUiSettings, importedDir?: string): ComfyUiRunner {
  return new ComfyUiRunner({ settings, ...(importedDir ? { importedDir } : {}) });
}
export function llmRunner(settings: LlmSettings, modelIdleUnloadMs: number): LlmRunner {
  const withIdle = settings.kind === 'builtin' && settings.idleUnloadMs === undefined ? { ...settings, idleUnloadMs: modelIdleUnloadMs } : settings;
  return new LlmRunner(chatBackend(withIdle));
}

export class BackendManager {
  #settings: BackendSettings;
  #checkpoints: string[] = [];
  /** Applies run one after another: two quick saves never interleave. */
  #chain: Promise<unknown> = Promise.resolve();
  readonly #onChange = ({ capability, available }: { capability: string; available: boolean }) => {
    if (capability === 'comfyui' && available) void this.#refreshCheckpoints();
  };

  constructor(private readonly o: BackendManagerOptions) {
    this.#settings = o.settings;
    o.watcher.on('change', this.#onChange);
    this.#publish();
  }

  get settings(): BackendSettings {
    return this.#settings;
  }

  stop(): void {
    this.o.watcher.off('change', this.#onChange);
  }

  /** Answer one request from the appliance; never throws (a failure is a reply the admin reads). */
  async handle(req: AgentRequest): Promise<AgentReply> {
    try {
      switch (req.op) {
        case 'apply': {
          const run = this.#chain.then(() => this.apply(req.backends));
          this.#chain = run.catch(() => undefined);
          return { id: req.id, ok: true, op: 'apply', backends: await run };
        }
        case 'test': {
          const edit = req.backends[req.backend];
          if (!edit) return { id: req.id, ok: true, op: 'test', result: { ok: false, failure: 'no-backend' } };
          const result =
            req.backend === 'comfyui'
              ? await testComfyUi(edit as NonNullable<BackendsEdit['comfyui']>)
              : await testLlm(edit as NonNullable<BackendsEdit['llm']>, this.#apiKeyFor(edit as NonNullable<BackendsEdit['llm']>));
          return { id: req.id, ok: true, op: 'test', result };
        }
        case 'import-workflow':
          return { id: req.id, ok: true, op: 'import-workflow', result: await this.importWorkflow(req.template, req.workflow) };
      }
    } catch (err) {
      this.o.log.warn(`backend request ${req.op} failed`, { error: String(err) });
      return { id: req.id, ok: false, message: (err instanceof Error ? err.message : String(err)).slice(0, 500) };
    }
  }

  /** The admin's settings: merged with what only the file sets (API key, video models, timeouts), saved, then live. */
  async apply(edit: BackendsEdit): Promise<BackendsView> {
    const next = this.#merge(edit);
    await this.#save(next);
    const before = this.#settings;
    this.#settings = next;
    if (JSON.stringify(before.comfyui) !== JSON.stringify(next.comfyui)) {
      this.#checkpoints = [];
      this.#swap('comfyui', next.comfyui ? comfyRunner(next.comfyui, this.o.workflowsDir) : undefined);
    }
    if (JSON.stringify(before.llm) !== JSON.stringify(next.llm)) {
      this.#swap('llm', next.llm ? llmRunner(next.llm, this.o.modelIdleUnloadMs) : undefined);
    }
    this.o.log.info('backend settings applied', {
      comfyui: next.comfyui?.url ?? null,
      llm: next.llm ? (next.llm.kind === 'builtin' ? next.llm.modelPath : next.llm.url) : null,
    });
    this.#publish();
    return this.view();
  }

  view(): BackendsView {
    const { comfyui, llm } = this.#settings;
    return {
      ...(comfyui ? { comfyui: { url: comfyui.url, checkpoint: comfyui.checkpoint, checkpoints: this.#checkpoints } } : {}),
      ...(llm
        ? { llm: llm.kind === 'builtin' ? { kind: 'builtin' as const, modelPath: llm.modelPath } : { kind: llm.kind, url: llm.url, model: llm.model } }
        : {}),
    };
  }

  /** Check a workflow against this agent's ComfyUI; an accepted one replaces the template from now on. */
  async importWorkflow(template: 'text-to-image' | 'image-to-image' | 'text-to-video', workflow: unknown): Promise<WorkflowImportResult> {
    const comfyui = this.#settings.comfyui;
    if (!comfyui) return { accepted: false, problems: ['this computer has no ComfyUI set up: save its address first'] };
    let info;
    try {
      info = await new ComfyClient(comfyui.url, comfyui.requestTimeoutMs ?? 30_000).objectInfo(AbortSignal.timeout(60_000));
    } catch (err) {
      return { accepted: false, problems: [`ComfyUI at ${comfyui.url} did not list its nodes (${(err as Error).message.slice(0, 200)})`] };
    }
    const check = checkWorkflowImport(workflow, template, info);
    if (!check.ok) return { accepted: false, problems: check.problems.map((p) => p.slice(0, 500)) };
    await writeAtomic(join(this.o.workflowsDir, `${template}.json`), JSON.stringify(check.workflow, null, 2));
    this.o.log.info('imported a workflow', { template });
    return { accepted: true, problems: [] };
  }

  /** The file's API key, for a test of the same kind of server at the same address. */
  #apiKeyFor(edit: NonNullable<BackendsEdit['llm']>): string | undefined {
    const llm = this.#settings.llm;
    return llm?.kind === 'openai' && edit.kind === 'openai' && llm.url === edit.url ? llm.apiKey : undefined;
  }

  #merge(edit: BackendsEdit): BackendSettings {
    const current = this.#settings;
    // Speech engines are set in the file only: an edit of the GPU servers keeps them.
    const next: Record<string, unknown> = {
      ...(current.piper ? { piper: current.piper } : {}),
      ...(current.openaiSpeech ? { openaiSpeech: current.openaiSpeech } : {}),
    };
    if (edit.comfyui) next.comfyui = { ...current.comfyui, url: edit.comfyui.url, checkpoint: edit.comfyui.checkpoint };
    if (edit.llm) {
      const missing = missingLlmField(edit.llm);
      if (missing) throw new BackendSettingsError(`backend settings /llm/${missing}: required for ${edit.llm.kind}`);
      const same: Record<string, unknown> = current.llm?.kind === edit.llm.kind ? { ...current.llm } : {};
      // The key was given for that server: it never goes to another address.
      if (same.url !== edit.llm.url) delete same.apiKey;
      next.llm =
        edit.llm.kind === 'builtin'
          ? { ...same, kind: 'builtin', modelPath: edit.llm.modelPath }
          : { ...same, kind: edit.llm.kind, url: edit.llm.url, model: edit.llm.model };
    }
    return parseBackendSettings(next);
  }

  async #save(settings: BackendSettings): Promise<void> {
    await writeAtomic(this.o.file, JSON.stringify(settings, null, 2));
  }

  #swap(capability: 'comfyui' | 'llm', runner: (Runner & { healthy(signal?: AbortSignal): Promise<boolean> }) | undefined): void {
    const old = this.o.registry.replace(capability, runner);
    this.o.watcher.setCheck(capability, runner ? (signal) => runner.healthy(signal) : undefined);
    // A job still running on an old runner keeps it; the rest of its memory goes now.
    for (const r of old) void r.close?.().catch(() => undefined);
  }

  async #refreshCheckpoints(): Promise<void> {
    const comfyui = this.#settings.comfyui;
    if (!comfyui) return;
    try {
      const list = (await new ComfyClient(comfyui.url, comfyui.requestTimeoutMs ?? 30_000).checkpoints(AbortSignal.timeout(30_000))).slice(
        0,
        MAX_ANNOUNCED_CHECKPOINTS,
      );
      if (this.#settings.comfyui !== comfyui || list.join('\n') === this.#checkpoints.join('\n')) return;
      this.#checkpoints = list;
      this.#publish();
    } catch (err) {
      this.o.log.warn('could not list the ComfyUI checkpoints', { error: String(err) });
    }
  }

  #publish(): void {
    this.o.state.setBackends(this.view());
  }
}

/** Temp file + rename in the same folder, mode 0600: a crash never leaves half a file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}
