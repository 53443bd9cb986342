import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { ErrorNotice, Loading } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useRoute } from '../router.js';
import { useSession } from '../session.js';
import type { SessionInfo } from '../types.js';
import { NewAccountForm } from './auth-forms.js';
import { roleKey } from './labels.js';

/** /invite#<token>: the token stays in the fragment, so it never reaches a server log. */
export function InvitePage() {
  const { t } = useI18n();
  const { api, signedIn } = useSession();
  const { hash, navigate } = useRoute();
  const [invite, setInvite] = useState<{ role: string; expiresAt: number } | null>(null);
  const [error, setError] = useState<ApiError | string | null>(null);
  useEffect(() => {
    if (!/^[A-Za-z0-9_-]{43}$/.test(hash)) {
      setError(t('invite.badLink'));
      return;
    }
    api.post<{ role: string; expiresAt: number }>('/api/invites/inspect', { token: hash }).then(setInvite, setError);
  }, [hash]);
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('invite.title')}</h1>
      <ErrorNotice error={error} />
      {!invite && !error && <Loading />}
      {invite && (
        <>
          <p>{t('invite.intro', { role: t(roleKey(invite.role)) })}</p>
          <NewAccountForm
            submitLabel={t('invite.submit')}
            onSubmit={async (a) => {
              signedIn(await api.post<SessionInfo>('/api/invites/accept', { token: hash, ...a }));
              navigate('/', true);
            }}
          />
        </>
      )}
    </section>
  );
}
