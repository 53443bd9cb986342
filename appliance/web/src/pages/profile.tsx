import { useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { Field } from '../components/field.js';
import { ErrorNotice, Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession, useUser } from '../session.js';
import { roleKey } from './labels.js';
import { DeviceNotifications } from './notifications.js';

export function ProfilePage() {
  const { t } = useI18n();
  const user = useUser();
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('profile.title')}</h1>
      <p>{t('profile.signedInAs', { name: user.displayName, username: user.username, role: t(roleKey(user.role)) })}</p>
      <ChangePassword />
      <Sessions />
      <DeviceNotifications />
      <section class="card stack" aria-labelledby="export-h">
        <h2 id="export-h">{t('profile.export')}</h2>
        <p>{t('profile.exportIntro')}</p>
        <p>
          <a class="button" href="/api/me/export" download>
            {t('profile.exportButton')}
          </a>
        </p>
      </section>
      <DeleteAccount />
    </section>
  );
}

function ChangePassword() {
  const { t } = useI18n();
  const { api } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<ApiError | string | null>(null);
  const [done, setDone] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (next.length < 10) return setError(t('account.passwordRule'));
    try {
      await api.post('/api/me/password', { currentPassword: current, newPassword: next });
      setError(null);
      setDone(true);
      setCurrent('');
      setNext('');
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section class="card" aria-labelledby="pw-h">
      <h2 id="pw-h">{t('profile.changePassword')}</h2>
      <form onSubmit={(e) => void submit(e)} class="stack" noValidate>
        <Field id="pw-current" label={t('profile.currentPassword')}>
          <input id="pw-current" type="password" autocomplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </Field>
        <Field id="pw-new" label={t('profile.newPassword')} hint={t('account.passwordRule')}>
          <input
            id="pw-new"
            type="password"
            autocomplete="new-password"
            value={next}
            aria-describedby="pw-new-hint"
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </Field>
        <ErrorNotice error={error} />
        {done && <Notice kind="success">{t('profile.passwordChanged')}</Notice>}
        <button type="submit">{t('profile.changePassword')}</button>
      </form>
    </section>
  );
}

function Sessions() {
  const { t } = useI18n();
  const { api, signedOut } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const run = (path: string) => async () => {
    try {
      await api.post(path);
      signedOut();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section class="card stack" aria-labelledby="sess-h">
      <h2 id="sess-h">{t('profile.sessions')}</h2>
      <div class="row">
        <button type="button" onClick={() => void run('/api/auth/logout')()}>
          {t('nav.logout')}
        </button>
        <button type="button" onClick={() => void run('/api/auth/logout-everywhere')()}>
          {t('profile.logoutEverywhere')}
        </button>
      </div>
      <ErrorNotice error={error} />
    </section>
  );
}

function DeleteAccount() {
  const { t } = useI18n();
  const { api, signedOut } = useSession();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!confirm(t('profile.deleteConfirm'))) return;
    try {
      await api.delete('/api/me', { password });
      signedOut();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section class="card danger stack" aria-labelledby="del-h">
      <h2 id="del-h">{t('profile.delete')}</h2>
      <p>{t('profile.deleteIntro')}</p>
      <form onSubmit={(e) => void submit(e)} class="stack">
        <Field id="del-password" label={t('account.password')}>
          <input
            id="del-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <ErrorNotice error={error} />
        <button type="submit" class="danger">
          {t('profile.deleteButton')}
        </button>
      </form>
    </section>
  );
}
