import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { Field, describedBy } from '../../components/field.js';
import { ErrorNotice, Loading, Notice } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { useSession } from '../../session.js';
import { useResource } from '../../use-resource.js';
import { fieldErrorText } from '../../forms/field-error.js';

type Role = 'admin' | 'member' | 'child';
type Quotas = Record<Role, number | null>;
interface WakeOnLan {
  broadcastAddress: string;
  port: number;
  extraTargets: string[];
  learnedTargets: Array<{ mac: string; agentId: string; name: string }>;
}

/** A typed number as a number (the server judges its range); anything else as the text, which the server refuses by name. */
const numberOrText = (v: string): number | string => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);

/** A saved form's error: beside its field (in the person's language) when the server named one we show, else above the button. */
function useSaveState(fields: readonly string[]) {
  const { t } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  // "extraTargets.2" is shown beside the extraTargets box.
  const field = error?.field?.split('.')[0] ?? null;
  const shown = field && fields.includes(field) ? field : null;
  return {
    saved,
    fieldError: (name: string) => (shown === name && error ? fieldErrorText(error, t) : undefined),
    formError: shown ? null : error,
    edited: () => setSaved(false),
    done: () => {
      setSaved(true);
      setError(null);
    },
    failed: (err: unknown) => {
      setSaved(false);
      setError(err as ApiError);
    },
  };
}

const ROLES: readonly Role[] = ['admin', 'member', 'child'];
const ROLE_LABEL = { admin: 'admin.quotaAdmin', member: 'admin.quotaMember', child: 'admin.quotaChild' } as const;

/** Jobs per role per day; an empty box is "no limit" (null). Text that is not a number goes to the server, which names the field. */
export function QuotaForm() {
  const { t } = useI18n();
  const { api } = useSession();
  const current = useResource<Quotas>('/api/admin/settings/quotas');
  const [values, setValues] = useState<Record<Role, string> | null>(null);
  const state = useSaveState(ROLES);
  useEffect(() => {
    if (current.data) setValues(Object.fromEntries(ROLES.map((r) => [r, current.data![r] === null ? '' : String(current.data![r])])) as Record<Role, string>);
  }, [current.data]);
  if (current.missing) return null;
  if (!values)
    return (
      <section class="card" aria-labelledby="quota-h">
        <h2 id="quota-h">{t('admin.quotas')}</h2>
        {current.loading ? <Loading /> : <ErrorNotice error={current.error} />}
      </section>
    );

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = Object.fromEntries(
      ROLES.map((r) => {
        const v = values[r].trim();
        return [r, v === '' ? null : numberOrText(v)];
      }),
    );
    try {
      await api.put('/api/admin/settings/quotas', body);
      state.done();
    } catch (err) {
      state.failed(err);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate class="card stack" aria-labelledby="quota-h">
      <h2 id="quota-h">{t('admin.quotas')}</h2>
      <p class="muted small">{t('admin.quotasIntro')}</p>
      {ROLES.map((r) => {
        const id = `quota-${r}`;
        const error = state.fieldError(r);
        const hint = t('admin.quotaHint');
        return (
          <Field key={r} id={id} label={t(ROLE_LABEL[r])} hint={hint} error={error}>
            <input
              id={id}
              inputMode="numeric"
              autocomplete="off"
              value={values[r]}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy(id, hint, error)}
              onInput={(e) => {
                setValues({ ...values, [r]: e.currentTarget.value });
                state.edited();
              }}
            />
          </Field>
        );
      })}
      <ErrorNotice error={state.formError} />
      {state.saved && <Notice kind="success">{t('common.saved')}</Notice>}
      <button type="submit">{t('admin.saveQuotas')}</button>
    </form>
  );
}

/** Refuse jobs no known computer has ever offered to run, or let them wait for one. */
export function JobWaitingForm() {
  const { t } = useI18n();
  const { api } = useSession();
  const current = useResource<{ queueWithoutComputer: boolean }>('/api/admin/settings/job-waiting');
  const state = useSaveState([]);
  if (current.missing || !current.data) return null;
  const change = async (queueWithoutComputer: boolean) => {
    state.edited();
    try {
      current.set(() => ({ queueWithoutComputer }));
      await api.put('/api/admin/settings/job-waiting', { queueWithoutComputer });
      state.done();
    } catch (err) {
      current.reload();
      state.failed(err);
    }
  };
  return (
    <section class="card stack" aria-labelledby="waiting-h">
      <h2 id="waiting-h">{t('admin.jobWaiting')}</h2>
      <label class="row">
        <input type="checkbox" checked={current.data.queueWithoutComputer} onChange={(e) => void change(e.currentTarget.checked)} />
        <span>{t('admin.queueWithoutComputer')}</span>
      </label>
      <p class="muted small">{t('admin.queueWithoutComputerHint')}</p>
      <ErrorNotice error={state.formError} />
      {state.saved && <Notice kind="success">{t('common.saved')}</Notice>}
    </section>
  );
}

/** Where magic packets go, extra MACs (one per line), and the MACs agents announced (read-only). */
export function WakeOnLanForm() {
  const { t } = useI18n();
  const { api } = useSession();
  const current = useResource<WakeOnLan>('/api/admin/settings/wake-on-lan');
  const [address, setAddress] = useState('');
  const [port, setPort] = useState('');
  const [extra, setExtra] = useState('');
  const state = useSaveState(['broadcastAddress', 'port', 'extraTargets']);
  useEffect(() => {
    if (!current.data) return;
    setAddress(current.data.broadcastAddress);
    setPort(String(current.data.port));
    setExtra(current.data.extraTargets.join('\n'));
  }, [current.data]);
  if (current.missing) return null;
  if (!current.data)
    return (
      <section class="card" aria-labelledby="wol-h">
        <h2 id="wol-h">{t('admin.wakeOnLan')}</h2>
        {current.loading ? <Loading /> : <ErrorNotice error={current.error} />}
      </section>
    );

  const submit = async (e: Event) => {
    e.preventDefault();
    const p = port.trim();
    // People paste MACs as AA-BB-…; the appliance keeps the lowercase colon form.
    const extraTargets = extra
      .split('\n')
      .map((l) => l.trim().toLowerCase().replaceAll('-', ':'))
      .filter(Boolean);
    const body = { broadcastAddress: address.trim(), ...(p === '' ? {} : { port: numberOrText(p) }), extraTargets };
    try {
      const saved = await api.put<WakeOnLan>('/api/admin/settings/wake-on-lan', body);
      current.set(() => saved);
      state.done();
    } catch (err) {
      state.failed(err);
    }
  };
  const edit = (set: (v: string) => void) => (e: { currentTarget: { value: string } }) => {
    set(e.currentTarget.value);
    state.edited();
  };
  const err = { address: state.fieldError('broadcastAddress'), port: state.fieldError('port'), extra: state.fieldError('extraTargets') };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate class="card stack" aria-labelledby="wol-h">
      <h2 id="wol-h">{t('admin.wakeOnLan')}</h2>
      <p class="muted small">{t('admin.wolIntro')}</p>
      <Field id="wol-address" label={t('admin.wolBroadcast')} hint={t('admin.wolBroadcastHint')} error={err.address}>
        <input
          id="wol-address"
          autocomplete="off"
          maxLength={15}
          value={address}
          aria-invalid={err.address ? true : undefined}
          aria-describedby={describedBy('wol-address', t('admin.wolBroadcastHint'), err.address)}
          onInput={edit(setAddress)}
        />
      </Field>
      <Field id="wol-port" label={t('admin.wolPort')} hint={t('admin.wolPortHint')} error={err.port}>
        <input
          id="wol-port"
          inputMode="numeric"
          autocomplete="off"
          value={port}
          aria-invalid={err.port ? true : undefined}
          aria-describedby={describedBy('wol-port', t('admin.wolPortHint'), err.port)}
          onInput={edit(setPort)}
        />
      </Field>
      <Field id="wol-extra" label={t('admin.wolExtra')} hint={t('admin.wolExtraHint')} error={err.extra}>
        <textarea
          id="wol-extra"
          rows={3}
          spellcheck={false}
          value={extra}
          aria-invalid={err.extra ? true : undefined}
          aria-describedby={describedBy('wol-extra', t('admin.wolExtraHint'), err.extra)}
          onInput={edit(setExtra)}
        />
      </Field>
      <div class="stack">
        <h3 id="wol-learned-h">{t('admin.wolLearned')}</h3>
        {current.data.learnedTargets.length === 0 ? (
          <p class="muted small">{t('admin.wolLearnedNone')}</p>
        ) : (
          <ul class="plain" aria-labelledby="wol-learned-h">
            {current.data.learnedTargets.map((l) => (
              <li key={`${l.agentId}-${l.mac}`}>
                <code>{l.mac}</code> — {l.name}
              </li>
            ))}
          </ul>
        )}
      </div>
      <ErrorNotice error={state.formError} />
      {state.saved && <Notice kind="success">{t('common.saved')}</Notice>}
      <button type="submit">{t('admin.saveWol')}</button>
    </form>
  );
}
