import { useState } from 'preact/hooks';
import type { BackendTestResult, BackendsEdit, BackendsSaved, ComputerBackendsView, WorkflowImportResult } from '@hearth/protocol';
import { LLM_KINDS, WORKFLOW_TEMPLATES, type LlmKind, type WorkflowTemplate } from '@hearth/protocol/plain';
import { ApiError } from '../../api.js';
import { Field, describedBy } from '../../components/field.js';
import { ErrorNotice, Notice } from '../../components/notice.js';
import { fieldErrorText, fieldOf } from '../../forms/field-error.js';
import { useI18n, type Translate } from '../../i18n/i18n.js';
import { useSession } from '../../session.js';

type Kind = LlmKind | 'none';

interface Form {
  comfyOn: boolean;
  comfyUrl: string;
  checkpoint: string;
  llmKind: Kind;
  llmUrl: string;
  llmModel: string;
  modelPath: string;
}

function initial(b: ComputerBackendsView | undefined): Form {
  const src = b?.saved ?? b?.now;
  return {
    comfyOn: Boolean(src?.comfyui),
    comfyUrl: src?.comfyui?.url ?? 'http://127.0.0.1:8188',
    checkpoint: src?.comfyui?.checkpoint ?? '',
    llmKind: src?.llm?.kind ?? 'none',
    llmUrl: src?.llm?.url ?? '',
    llmModel: src?.llm?.model ?? '',
    modelPath: src?.llm?.modelPath ?? '',
  };
}

/** The form as the API takes it: a backend switched off is left out (removed on the computer). */
function edit(f: Form): BackendsEdit {
  const out: BackendsEdit = {};
  if (f.comfyOn) out.comfyui = { url: f.comfyUrl.trim(), checkpoint: f.checkpoint.trim() };
  if (f.llmKind === 'builtin') out.llm = { kind: 'builtin', modelPath: f.modelPath.trim() };
  else if (f.llmKind !== 'none')
    out.llm = { kind: f.llmKind, ...(f.llmUrl.trim() ? { url: f.llmUrl.trim() } : {}), ...(f.llmModel.trim() ? { model: f.llmModel.trim() } : {}) };
  return out;
}

/** What a backend answered, as a sentence. */
function testText(backend: 'comfyui' | 'llm', r: BackendTestResult, t: Translate): string {
  if (r.failure) return t(`backends.failure.${r.failure}`, { detail: r.detail ?? '' });
  if (backend === 'comfyui') return t('backends.okComfy', { version: r.version ?? '?', nodes: r.nodes ?? 0, checkpoints: r.models?.length ?? 0 });
  if (r.bytes !== undefined) return t('backends.okGguf', { mib: Math.round(r.bytes / 1048576) });
  return r.version ? t('backends.okOllama', { version: r.version, models: r.models?.length ?? 0 }) : t('backends.okOpenai', { models: r.models?.length ?? 0 });
}

/** One computer's ComfyUI and language model: edit, test, save (pushed to the computer), import a workflow. */
export function ComputerBackends({
  agentId,
  backends,
  online,
  onSaved,
}: {
  agentId: string;
  backends: ComputerBackendsView | undefined;
  online: boolean;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { api } = useSession();
  const [form, setForm] = useState<Form>(() => initial(backends));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<BackendsSaved | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [tests, setTests] = useState<Partial<Record<'comfyui' | 'llm', BackendTestResult>>>({});
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const id = (name: string) => `${agentId}-${name}`;
  const fieldError = (field: string) => (error && fieldOf(error) === field ? fieldErrorText(error, t) : undefined);
  const checkpoints = tests.comfyui?.models ?? backends?.now?.comfyui?.checkpoints ?? [];
  const llmModels = tests.llm?.models ?? [];

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy('save');
    try {
      setSaved(await api.put<BackendsSaved>(`/api/agents/${agentId}/backends`, edit(form)));
      setError(null);
      onSaved();
    } catch (err) {
      setError(err as ApiError);
      setSaved(null);
    } finally {
      setBusy(null);
    }
  };
  const test = async (backend: 'comfyui' | 'llm') => {
    setBusy(backend);
    try {
      const result = await api.post<BackendTestResult>(`/api/agents/${agentId}/backends/test`, { backend, backends: edit(form) });
      setTests((r) => ({ ...r, [backend]: result }));
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(null);
    }
  };
  const fieldErr = error && fieldOf(error) ? null : error;

  return (
    <div class="stack">
      <form class="stack" onSubmit={(e) => void save(e)} aria-labelledby={id('servers-h')} data-backends={agentId}>
        <h3 id={id('servers-h')}>{t('backends.title')}</h3>
        {!online && <Notice kind="warning">{t('backends.offline')}</Notice>}
        {backends?.pending && <Notice kind="info">{t('backends.pending')}</Notice>}
        <fieldset class="stack" data-backend="comfyui">
          <legend>ComfyUI</legend>
          <div class="field field-check">
            <input id={id('comfy-on')} type="checkbox" checked={form.comfyOn} onChange={(e) => set({ comfyOn: e.currentTarget.checked })} />
            <label for={id('comfy-on')}>{t('backends.comfyOn')}</label>
          </div>
          {form.comfyOn && (
            <>
              <Field id={id('comfy-url')} label={t('backends.url')} hint={t('backends.comfyUrlHint')} error={fieldError('comfyui.url')}>
                <input
                  id={id('comfy-url')}
                  type="url"
                  required
                  value={form.comfyUrl}
                  onInput={(e) => set({ comfyUrl: e.currentTarget.value })}
                  aria-describedby={describedBy(id('comfy-url'), 'h', fieldError('comfyui.url'))}
                  aria-invalid={fieldError('comfyui.url') ? true : undefined}
                />
              </Field>
              <Field
                id={id('checkpoint')}
                label={t('backends.checkpoint')}
                hint={checkpoints.length ? undefined : t('backends.checkpointHint')}
                error={fieldError('comfyui.checkpoint')}
              >
                {checkpoints.length ? (
                  <select id={id('checkpoint')} value={form.checkpoint} onChange={(e) => set({ checkpoint: e.currentTarget.value })}>
                    {!checkpoints.includes(form.checkpoint) && <option value={form.checkpoint}>{form.checkpoint || t('backends.choose')}</option>}
                    {checkpoints.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input id={id('checkpoint')} required value={form.checkpoint} onInput={(e) => set({ checkpoint: e.currentTarget.value })} />
                )}
              </Field>
              <div class="row wrap">
                <button type="button" disabled={!online || busy !== null} onClick={() => void test('comfyui')}>
                  {busy === 'comfyui' ? t('backends.testing') : t('backends.test')}
                </button>
                {tests.comfyui && (
                  <p role="status" data-test-result="comfyui" class={tests.comfyui.ok ? 'test-ok' : 'field-error'}>
                    {testText('comfyui', tests.comfyui, t)}
                  </p>
                )}
              </div>
            </>
          )}
        </fieldset>
        <fieldset class="stack" data-backend="llm">
          <legend>{t('backends.llm')}</legend>
          <Field id={id('llm-kind')} label={t('backends.llmKind')}>
            <select id={id('llm-kind')} value={form.llmKind} onChange={(e) => set({ llmKind: e.currentTarget.value as Kind })}>
              <option value="none">{t('backends.kind.none')}</option>
              {LLM_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`backends.kind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          {(form.llmKind === 'openai' || form.llmKind === 'ollama') && (
            <>
              <Field
                id={id('llm-url')}
                label={t('backends.url')}
                hint={t(form.llmKind === 'ollama' ? 'backends.ollamaUrlHint' : 'backends.openaiUrlHint')}
                error={fieldError('llm.url')}
              >
                <input
                  id={id('llm-url')}
                  type="url"
                  value={form.llmUrl}
                  onInput={(e) => set({ llmUrl: e.currentTarget.value })}
                  aria-invalid={fieldError('llm.url') ? true : undefined}
                  aria-describedby={describedBy(id('llm-url'), 'h', fieldError('llm.url'))}
                />
              </Field>
              <Field
                id={id('llm-model')}
                label={t('backends.model')}
                hint={llmModels.length ? undefined : t('backends.modelHint')}
                error={fieldError('llm.model')}
              >
                <input
                  id={id('llm-model')}
                  list={id('llm-models')}
                  value={form.llmModel}
                  onInput={(e) => set({ llmModel: e.currentTarget.value })}
                  aria-invalid={fieldError('llm.model') ? true : undefined}
                />
                <datalist id={id('llm-models')}>
                  {llmModels.map((m) => (
                    <option key={m} value={m} />
                  ))}
                </datalist>
              </Field>
            </>
          )}
          {form.llmKind === 'builtin' && (
            <Field id={id('gguf')} label={t('backends.modelPath')} hint={t('backends.modelPathHint')} error={fieldError('llm.modelPath')}>
              <input
                id={id('gguf')}
                value={form.modelPath}
                onInput={(e) => set({ modelPath: e.currentTarget.value })}
                aria-invalid={fieldError('llm.modelPath') ? true : undefined}
              />
            </Field>
          )}
          {form.llmKind !== 'none' && (
            <div class="row wrap">
              <button type="button" disabled={!online || busy !== null} onClick={() => void test('llm')}>
                {busy === 'llm' ? t('backends.testing') : t('backends.test')}
              </button>
              {tests.llm && (
                <p role="status" data-test-result="llm" class={tests.llm.ok ? 'test-ok' : 'field-error'}>
                  {testText('llm', tests.llm, t)}
                </p>
              )}
            </div>
          )}
          {llmModels.length > 0 && (
            <p class="small muted" data-llm-models>
              {t('backends.models', { list: llmModels.slice(0, 8).join(', ') })}
            </p>
          )}
        </fieldset>
        <ErrorNotice error={fieldErr} />
        {error && fieldOf(error) && (
          <p class="field-error" role="alert">
            {t('form.fixErrors')}
          </p>
        )}
        {saved && <Notice kind="success">{saved.applied ? t('backends.applied') : t('backends.savedLater')}</Notice>}
        <div class="row">
          <button type="submit" class="primary" disabled={busy !== null}>
            {busy === 'save' ? t('backends.saving') : t('backends.save')}
          </button>
        </div>
      </form>
      {form.comfyOn && <WorkflowImport agentId={agentId} online={online} />}
    </div>
  );
}

/** Upload an API-format ComfyUI export as a job type's template; the computer checks it against its ComfyUI. */
function WorkflowImport({ agentId, online }: { agentId: string; online: boolean }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [template, setTemplate] = useState<WorkflowTemplate>('text-to-image');
  const [result, setResult] = useState<WorkflowImportResult | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const id = (name: string) => `${agentId}-${name}`;

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setResult(null);
    try {
      let workflow: unknown;
      try {
        workflow = JSON.parse(await file.text());
      } catch {
        throw new Error(t('backends.notJson'));
      }
      setResult(await api.post<WorkflowImportResult>(`/api/agents/${agentId}/workflows`, { template, workflow }));
      setError(null);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="stack" aria-labelledby={id('wf-h')} data-workflow-import={agentId}>
      <h4 id={id('wf-h')}>{t('backends.workflowTitle')}</h4>
      <p class="small muted">{t('backends.workflowHint')}</p>
      <div class="stack">
        <Field id={id('wf-template')} label={t('backends.workflowFor')}>
          <select id={id('wf-template')} value={template} onChange={(e) => setTemplate(e.currentTarget.value as WorkflowTemplate)}>
            {WORKFLOW_TEMPLATES.map((w) => (
              <option key={w} value={w}>
                {t(`backends.template.${w}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id('wf-file')} label={t('backends.workflowFile')}>
          <input
            id={id('wf-file')}
            type="file"
            accept="application/json,.json"
            disabled={!online || busy}
            onChange={(e) => {
              void upload(e.currentTarget.files?.[0]);
              e.currentTarget.value = '';
            }}
          />
        </Field>
      </div>
      <ErrorNotice error={error instanceof ApiError ? error : error?.message} />
      {result?.accepted && <Notice kind="success">{t('backends.workflowAccepted', { template: t(`backends.template.${template}`) })}</Notice>}
      {result && !result.accepted && (
        <div class="notice notice-error" role="alert" data-workflow-problems>
          <p>{t('backends.workflowRefused')}</p>
          <ul>
            {result.problems.map((p) => (
              <li key={p} lang="en">
                {p}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
