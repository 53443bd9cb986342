import { useI18n } from '../i18n/i18n.js';
import { useRoute } from '../router.js';
import { useSession } from '../session.js';
import type { SessionInfo } from '../types.js';
import { NewAccountForm } from './auth-forms.js';

/** First visit: whoever sets Hearth up becomes its admin. */
export function OnboardingPage() {
  const { t } = useI18n();
  const { api, signedIn } = useSession();
  const { navigate } = useRoute();
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('onboarding.title')}</h1>
      <p>{t('onboarding.intro')}</p>
      <NewAccountForm
        submitLabel={t('onboarding.submit')}
        onSubmit={async (a) => {
          signedIn(await api.post<SessionInfo>('/api/onboarding', a));
          navigate('/', true);
        }}
      />
    </section>
  );
}
