import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * An error a person can act on: the server's message as text, never as HTML. An error the portal
 * knows by its code is said in the reader's language; outside English, an unknown one gets a
 * translated summary by status, with the appliance's own words folded away.
 */
export function ErrorNotice({ error }: { error: ApiError | Error | string | null | undefined }) {
  const { t, maybe, lang } = useI18n();
  if (!error) return null;
  if (typeof error === 'string')
    return (
      <p class="notice notice-error" role="alert">
        {error}
      </p>
    );
  if (error.message === 'network')
    return (
      <p class="notice notice-error" role="alert">
        {t('error.network')}
      </p>
    );
  const api = error as Partial<ApiError>;
  const known = api.code ? maybe(`error.${api.code}`) : undefined;
  if (known)
    return (
      <p class="notice notice-error" role="alert">
        {known}
      </p>
    );
  if (lang === 'en' || api.status === undefined)
    return (
      <p class="notice notice-error" role="alert">
        {error.message}
      </p>
    );
  return (
    <div class="notice notice-error" role="alert">
      <p>{maybe(`error.status.${api.status}`) ?? t('error.status.unknown')}</p>
      <details class="small">
        <summary>{t('error.original')}</summary>
        <p lang="en">{error.message}</p>
      </details>
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: ComponentChildren; kind?: 'info' | 'success' | 'warning' }) {
  return (
    <p class={`notice notice-${kind}`} role={kind === 'success' ? 'status' : undefined}>
      {children}
    </p>
  );
}

/** Shown where a capability's API is not on this appliance yet. */
export function NotAvailable() {
  const { t } = useI18n();
  return <p class="notice notice-info">{t('common.notAvailable')}</p>;
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="muted" aria-busy="true">
      {t('common.loading')}
    </p>
  );
}
