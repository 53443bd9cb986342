import { useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { Field } from '../../components/field.js';
import { ErrorNotice, Loading, NotAvailable, Notice } from '../../components/notice.js';
import { SchemaForm } from '../../forms/schema-form.js';
import { clean, initialValue, validate, type Errors } from '../../forms/schema.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import type { Job, JobTypeInfo, Preset } from '../../types.js';
import { useResource } from '../../use-resource.js';
import { jobTitle, jobTypeKey } from '../labels.js';

/** Family job presets: Home Assistant gets a button for each. */
export function PresetsPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const presets = useResource<{ presets: Preset[] }>('/api/admin/presets');
  const types = useResource<{ types: JobTypeInfo[] }>('/api/job-types');
  const [error, setError] = useState<ApiError | null>(null);
  const [started, setStarted] = useState<Job | null>(null);
  const run = async (p: Preset) => {
    try {
      setStarted(await api.post<Job>(`/api/presets/${p.id}/run`));
      setError(null);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const remove = async (p: Preset) => {
    if (!confirm(t('admin.presetDeleteConfirm', { name: p.name }))) return;
    try {
      await api.delete(`/api/admin/presets/${p.id}`);
      presets.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.presets')}</h1>
      {presets.missing ? (
        <NotAvailable />
      ) : (
        <>
          <section class="card stack" aria-labelledby="plist-h">
            <h2 id="plist-h">{t('admin.presetList')}</h2>
            {!presets.data && !presets.error && <Loading />}
            <ErrorNotice error={error ?? presets.error} />
            {started && (
              <Notice kind="success">
                {t('admin.presetStarted')} <Link href={`/jobs/${encodeURIComponent(started.id)}`}>{jobTitle(started, t)}</Link>
              </Notice>
            )}
            {presets.data?.presets.length === 0 && <p class="muted">{t('admin.noPresets')}</p>}
            <ul class="plain stack">
              {presets.data?.presets.map((p) => (
                <li key={p.id} class="row spread">
                  <span>
                    <strong>{p.name}</strong> <span class="muted small">{t(jobTypeKey(p.type))}</span>
                  </span>
                  <span class="row">
                    <button type="button" class="small" onClick={() => void run(p)} aria-label={t('admin.runPreset', { name: p.name })}>
                      {t('admin.run')}
                    </button>
                    <button type="button" class="small danger" onClick={() => void remove(p)} aria-label={t('admin.deletePreset', { name: p.name })}>
                      {t('common.delete')}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          </section>
          {types.data && <NewPreset types={types.data.types} onCreated={presets.reload} />}
        </>
      )}
    </section>
  );
}

function NewPreset({ types, onCreated }: { types: JobTypeInfo[]; onCreated(): void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [type, setType] = useState(types[0]?.type ?? '');
  const info = types.find((x) => x.type === type);
  const [name, setName] = useState('');
  const [input, setInput] = useState<unknown>(() => (info ? initialValue(info.inputSchema) : {}));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<ApiError | string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!info) return;
    const body = clean(info.inputSchema, input);
    const found = validate(info.inputSchema, body, t);
    setErrors(found);
    if (!name.trim()) return setError(t('admin.presetNameNeeded'));
    if (Object.keys(found).length) return setError(t('form.fixErrors'));
    try {
      await api.post('/api/admin/presets', { name: name.trim(), type, input: body });
      setName('');
      setError(null);
      onCreated();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate class="card stack" aria-labelledby="pnew-h">
      <h2 id="pnew-h">{t('admin.newPreset')}</h2>
      <Field id="preset-new-name" label={t('admin.presetName')}>
        <input id="preset-new-name" maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field id="preset-type" label={t('create.type')}>
        <select
          id="preset-type"
          value={type}
          onChange={(e) => {
            const next = types.find((x) => x.type === e.currentTarget.value);
            setType(e.currentTarget.value);
            setInput(next ? initialValue(next.inputSchema) : {});
            setErrors({});
          }}
        >
          {types.map((x) => (
            <option key={x.type} value={x.type}>
              {t(jobTypeKey(x.type))}
            </option>
          ))}
        </select>
      </Field>
      {info && <SchemaForm key={type} schema={info.inputSchema} value={input} errors={errors} onChange={setInput} />}
      <ErrorNotice error={error} />
      <button type="submit" class="primary">
        {t('admin.savePreset')}
      </button>
    </form>
  );
}
