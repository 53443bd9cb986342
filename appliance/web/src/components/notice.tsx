import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api.js';
import { useI18n } from '../i18n/i18n.js';

/** An error a person can act on: the server's message as text, never as HTML. */
export function ErrorNotice({ error }: { error: ApiError | Error | string | null | undefined }) {
  const { t } = useI18n();
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message === 'network' ? t('error.network') : error.message;
  return <p class="notice notice-error" role="alert">{message}</p>;
}

export function Notice({ children, kind = 'info' }: { children: ComponentChildren; kind?: 'info' | 'success' | 'warning' }) {
  return <p class={`notice notice-${kind}`} role={kind === 'success' ? 'status' : undefined}>{children}</p>;
}

/** Shown where a capability's API is not on this appliance yet. */
export function NotAvailable() {
  const { t } = useI18n();
  return <p class="notice notice-info">{t('common.notAvailable')}</p>;
}

export function Loading() {
  const { t } = useI18n();
  return <p class="muted" aria-busy="true">{t('common.loading')}</p>;
}
