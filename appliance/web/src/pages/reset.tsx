import { useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { describedBy, Field } from '../components/field.js';
import { ErrorNotice, Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, useRoute } from '../router.js';
import { useSession } from '../session.js';

/** /reset#<token>: set a new password with a link an admin made. */
export function ResetPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const { hash } = useRoute();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const valid = /^[A-Za-z0-9_-]{43}$/.test(hash);
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(password.length < 10 ? t('account.passwordRule') : again !== password ? t('account.passwordsDiffer') : undefined);
    if (password.length < 10 || again !== password) return;
    try {
      await api.post('/api/password-resets/complete', { token: hash, newPassword: password });
      setDone(true);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('reset.title')}</h1>
      {!valid && <ErrorNotice error={t('reset.badLink')} />}
      {done && (
        <Notice kind="success">
          {t('reset.done')} <Link href="/">{t('login.title')}</Link>
        </Notice>
      )}
      {valid && !done && (
        <form onSubmit={(e) => void submit(e)} class="stack" noValidate>
          <Field id="reset-password" label={t('profile.newPassword')} hint={t('account.passwordRule')} error={problem}>
            <input
              id="reset-password"
              type="password"
              autocomplete="new-password"
              value={password}
              aria-describedby={describedBy('reset-password', 'x', problem)}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </Field>
          <Field id="reset-again" label={t('account.passwordAgain')}>
            <input id="reset-again" type="password" autocomplete="new-password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
          </Field>
          <ErrorNotice error={error} />
          <button type="submit" class="primary">
            {t('reset.submit')}
          </button>
        </form>
      )}
    </section>
  );
}
