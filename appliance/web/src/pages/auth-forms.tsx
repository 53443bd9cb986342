import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { describedBy, Field } from '../components/field.js';
import { ErrorNotice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';

export interface NewAccount {
  username: string;
  displayName: string;
  password: string;
}

/** Username, name and password (twice), checked here first with the server's own rules. */
export function NewAccountForm({ submitLabel, onSubmit }: { submitLabel: string; onSubmit(a: NewAccount): Promise<void> }) {
  const { t } = useI18n();
  const [a, setA] = useState<NewAccount>({ username: '', displayName: '', password: '' });
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<Partial<Record<keyof NewAccount | 'again', string>>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const check = () => {
    const e: typeof errors = {};
    if (!/^[A-Za-z0-9._-]{3,32}$/.test(a.username)) e.username = t('account.usernameRule');
    if (!a.displayName.trim()) e.displayName = t('form.required');
    if (a.password.length < 10) e.password = t('account.passwordRule');
    if (again !== a.password) e.again = t('account.passwordsDiffer');
    setErrors(e);
    return Object.keys(e).length === 0;
  };
  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (!check()) return;
    setBusy(true);
    setFailure(null);
    try {
      await onSubmit({ ...a, displayName: a.displayName.trim() });
    } catch (e) {
      setFailure(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const input = (key: keyof NewAccount, type: string, autocomplete: string, hint?: string) => (
    <input
      id={`acc-${key}`}
      type={type}
      autocomplete={autocomplete}
      value={a[key]}
      required
      aria-invalid={errors[key] ? true : undefined}
      aria-describedby={describedBy(`acc-${key}`, hint, errors[key])}
      onInput={(e) => setA({ ...a, [key]: e.currentTarget.value })}
    />
  );
  return (
    <form onSubmit={(e) => void submit(e)} noValidate class="stack">
      <Field id="acc-displayName" label={t('account.displayName')} error={errors.displayName}>
        {input('displayName', 'text', 'name')}
      </Field>
      <Field id="acc-username" label={t('account.username')} hint={t('account.usernameRule')} error={errors.username}>
        {input('username', 'text', 'username', 'x')}
      </Field>
      <Field id="acc-password" label={t('account.password')} hint={t('account.passwordRule')} error={errors.password}>
        {input('password', 'password', 'new-password', 'x')}
      </Field>
      <Field id="acc-again" label={t('account.passwordAgain')} error={errors.again}>
        <input
          id="acc-again"
          type="password"
          autocomplete="new-password"
          value={again}
          required
          aria-invalid={errors.again ? true : undefined}
          aria-describedby={describedBy('acc-again', undefined, errors.again)}
          onInput={(e) => setAgain(e.currentTarget.value)}
        />
      </Field>
      <ErrorNotice error={failure} />
      <button type="submit" class="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
