import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { Field } from '../../components/field.js';
import { ErrorNotice, NotAvailable, Notice } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { useSession } from '../../session.js';
import { useResource } from '../../use-resource.js';
import { JobWaitingForm, QuotaForm, WakeOnLanForm } from './settings-sections.js';

export function SettingsPage() {
  const { t } = useI18n();
  const settings = useResource<Record<string, unknown>>('/api/admin/settings');
  const general = settings.data?.general as { familyName?: string } | undefined;
  const others = Object.keys(settings.data ?? {}).filter((k) => !['general', 'version', 'homeAssistant', 'jobs', 'wakeOnLan'].includes(k));
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.settings')}</h1>
      <ErrorNotice error={settings.error} />
      {general && <GeneralForm familyName={general.familyName ?? ''} />}
      <HomeAssistantForm />
      <QuotaForm />
      <JobWaitingForm />
      <WakeOnLanForm />
      {others.length > 0 && (
        <section class="card stack" aria-labelledby="other-h">
          <h2 id="other-h">{t('admin.otherSettings')}</h2>
          {others.map((k) => (
            <details key={k}>
              <summary>{k}</summary>
              <pre class="result-data">{JSON.stringify(settings.data?.[k], null, 2)}</pre>
            </details>
          ))}
        </section>
      )}
    </section>
  );
}

function GeneralForm({ familyName }: { familyName: string }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [name, setName] = useState(familyName);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api.put('/api/admin/settings/general', { familyName: name.trim() });
      setSaved(true);
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} class="card stack" aria-labelledby="gen-h">
      <h2 id="gen-h">{t('admin.general')}</h2>
      <Field id="family-name" label={t('admin.familyName')}>
        <input
          id="family-name"
          maxLength={80}
          required
          value={name}
          onInput={(e) => {
            setName(e.currentTarget.value);
            setSaved(false);
          }}
        />
      </Field>
      <ErrorNotice error={error} />
      {saved && <Notice kind="success">{t('common.saved')}</Notice>}
      <button type="submit">{t('common.save')}</button>
    </form>
  );
}

/** The HA address and token; the token is write-only, so the field stays empty. */
function HomeAssistantForm() {
  const { t } = useI18n();
  const { api } = useSession();
  const current = useResource<{ url: string | null; tokenSet: boolean; state: string; lastError: string | null }>('/api/admin/home-assistant');
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data) setUrl(current.data.url ?? '');
  }, [current.data]);
  if (current.missing) {
    return (
      <section class="card" aria-labelledby="ha-h">
        <h2 id="ha-h">{t('admin.homeAssistant')}</h2>
        <NotAvailable />
      </section>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api.put('/api/admin/home-assistant', { url: url.trim(), ...(token ? { token } : {}) });
      setToken('');
      setSaved(true);
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} class="card stack" aria-labelledby="ha-h">
      <h2 id="ha-h">{t('admin.homeAssistant')}</h2>
      <Field id="ha-url" label={t('admin.haUrl')} hint="http://homeassistant.local:8123">
        <input id="ha-url" type="url" value={url} aria-describedby="ha-url-hint" onInput={(e) => setUrl(e.currentTarget.value)} />
      </Field>
      <Field id="ha-token" label={t('admin.haToken')} hint={current.data?.tokenSet ? t('admin.haTokenSet') : t('admin.haTokenHint')}>
        <input
          id="ha-token"
          type="password"
          autocomplete="off"
          value={token}
          aria-describedby="ha-token-hint"
          onInput={(e) => setToken(e.currentTarget.value)}
        />
      </Field>
      {current.data?.tokenSet && <p class="muted small">{t('admin.haState', { state: current.data.state })}</p>}
      <ErrorNotice error={error ?? current.error} />
      {saved && <Notice kind="success">{t('common.saved')}</Notice>}
      <button type="submit">{t('common.save')}</button>
    </form>
  );
}
