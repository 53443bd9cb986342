import type { Capability } from '@hearth/protocol';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { Field } from '../components/field.js';
import { CapabilityMissing, ReadinessNote, readinessKey } from '../components/readiness.js';
import { ErrorNotice, Loading, NotAvailable } from '../components/notice.js';
import { SchemaForm } from '../forms/schema-form.js';
import { clean, initialValue, validate, type Errors } from '../forms/schema.js';
import { fieldErrorText, fieldOf } from '../forms/field-error.js';
import { useI18n } from '../i18n/i18n.js';
import { jobTypeKey } from './labels.js';
import { Link, useRoute } from '../router.js';
import { useSession } from '../session.js';
import type { Job, JobTypeInfo, Preset } from '../types.js';
import { useResource } from '../use-resource.js';
import { MyPresets, loadMyPresets } from './my-presets.js';

/** Choose a job type; each gets a form generated from its input schema. */
export function CreateJobPage({ type }: { type: string | undefined }) {
  const { t } = useI18n();
  const types = useResource<{ types: JobTypeInfo[] }>('/api/job-types');
  const { navigate } = useRoute();
  if (types.missing)
    return (
      <section>
        <h1 tabIndex={-1}>{t('create.title')}</h1>
        <NotAvailable />
      </section>
    );
  if (!types.data)
    return (
      <section>
        <h1 tabIndex={-1}>{t('create.title')}</h1>
        {types.loading ? <Loading /> : <ErrorNotice error={types.error} />}
      </section>
    );
  const chosen = types.data.types.find((x) => x.type === type) ?? types.data.types[0];
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('create.title')}</h1>
      <Field id="job-type" label={t('create.type')}>
        <select id="job-type" value={chosen?.type} onChange={(e) => navigate(`/jobs/new/${encodeURIComponent(e.currentTarget.value)}`, true)}>
          {types.data.types.map((x) => (
            <option key={x.type} value={x.type}>
              {t(jobTypeKey(x.type))} — {t(readinessKey(x.readiness.state))}
            </option>
          ))}
        </select>
      </Field>
      {chosen && <ReadinessNote readiness={chosen.readiness} capability={chosen.capability} />}
      {chosen && <JobForm key={chosen.type} info={chosen} />}
    </section>
  );
}

function JobForm({ info }: { info: JobTypeInfo }) {
  const { t } = useI18n();
  const { api, user } = useSession();
  const { navigate } = useRoute();
  const [input, setInput] = useState<unknown>(() => initialValue(info.inputSchema));
  const [title, setTitle] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState<Capability | null>(null);
  const [familyPresets, setFamilyPresets] = useState<Preset[]>([]);
  const [, setMine] = useState(() => loadMyPresets(info.type));

  useEffect(() => {
    if (user?.role !== 'admin') return;
    api.get<{ presets: Preset[] }>('/api/admin/presets').then(
      (d) => setFamilyPresets(d.presets.filter((p) => p.type === info.type)),
      () => setFamilyPresets([]),
    );
  }, [info.type]);

  const change = (v: unknown) => {
    setInput(v);
    if (Object.keys(errors).length) setErrors(validate(info.inputSchema, clean(info.inputSchema, v), t));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(null);
    setMissing(null);
    const body = clean(info.inputSchema, input);
    const found = validate(info.inputSchema, body, t);
    setErrors(found);
    if (Object.keys(found).length) {
      setFailure(t('form.fixErrors'));
      document.getElementById(`f-${Object.keys(found)[0]!.replaceAll('.', '-')}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const job = await api.post<Job>('/api/jobs', { type: info.type, input: body, ...(title.trim() ? { title: title.trim() } : {}) });
      navigate(`/jobs/${encodeURIComponent(job.id)}`);
    } catch (err) {
      const field = err instanceof ApiError && err.status === 400 ? fieldOf(err, 'input') : null;
      if (field) setErrors({ [field]: fieldErrorText(err as ApiError, t) });
      if (err instanceof ApiError && err.code?.startsWith('capability.none.')) setMissing(info.capability);
      else setFailure(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate class="stack card" aria-labelledby="form-h">
      <h2 id="form-h">{t(jobTypeKey(info.type))}</h2>
      <MyPresets type={info.type} current={input} onLoad={(v) => change(v)} onSaved={() => setMine(loadMyPresets(info.type))} />
      {familyPresets.length > 0 && (
        <Field id="family-preset" label={t('create.familyPreset')}>
          <select
            id="family-preset"
            onChange={(e) => {
              const p = familyPresets.find((x) => String(x.id) === e.currentTarget.value);
              if (p) change(structuredClone(p.input));
            }}
          >
            <option value="">—</option>
            {familyPresets.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field id="job-title" label={`${t('create.jobTitle')} (${t('form.optional')})`}>
        <input id="job-title" maxLength={120} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <SchemaForm schema={info.inputSchema} value={input} errors={errors} onChange={change} />
      <ErrorNotice error={failure} />
      {missing && <CapabilityMissing capability={missing} admin={user?.role === 'admin'} />}
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {t('create.submit')}
        </button>
        <Link href="/">{t('common.cancel')}</Link>
      </div>
    </form>
  );
}
