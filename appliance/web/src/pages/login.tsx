import { useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { Field } from '../components/field.js';
import { ErrorNotice } from '../components/notice.js';
import { ShareNotice } from '../components/share-notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import type { SessionInfo } from '../types.js';

export function LoginPage() {
  const { t } = useI18n();
  const { api, signedIn } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.post<SessionInfo>('/api/auth/login', { username, password }));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('login.title')}</h1>
      <ShareNotice />
      <form onSubmit={(e) => void submit(e)} class="stack">
        <Field id="login-username" label={t('account.username')}>
          <input id="login-username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </Field>
        <Field id="login-password" label={t('account.password')}>
          <input
            id="login-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <ErrorNotice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
      <p class="muted">{t('login.noAccount')}</p>
    </section>
  );
}
