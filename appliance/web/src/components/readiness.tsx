import type { Capability, CapabilityReadiness } from '@hearth/protocol';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

/** A job type's capability: can a computer run it now, after a wake, later, or not at all — and what to do. */
export function ReadinessNote({ readiness, capability }: { readiness: CapabilityReadiness; capability: Capability }) {
  const { t, lang } = useI18n();
  const user = useUser();
  const names = new Intl.ListFormat(lang, { type: 'conjunction' }).format(readiness.computers.map((c) => c.name));
  const server = t(`capability.${capability}`);
  if (readiness.state === 'none') return <CapabilityMissing capability={capability} admin={user.role === 'admin'} alert={false} />;
  const text =
    readiness.state === 'ready'
      ? t('ready.now', { names })
      : readiness.state === 'wake'
        ? t('ready.afterWake', { names })
        : t('ready.later', { names, server });
  return (
    <p class={`notice readiness readiness-${readiness.state}`} data-readiness={readiness.state}>
      {text}
    </p>
  );
}

/** "Needs a ComfyUI server: set one up in Admin → Computers" — with the link for admins. */
export function CapabilityMissing({ capability, admin, alert = true }: { capability: Capability; admin: boolean; alert?: boolean }) {
  const { t } = useI18n();
  const needs = t('ready.needs', { server: t(`capability.${capability}`) });
  return (
    <p class="notice notice-warning readiness readiness-none" data-readiness="none" role={alert ? 'alert' : undefined}>
      {needs}: {admin ? <Link href="/admin/computers">{t('ready.setUp')}</Link> : t('ready.askAdmin')}
    </p>
  );
}

/** A short word for the job-type menu. */
export const readinessKey = (state: CapabilityReadiness['state']): MessageKey => `ready.short.${state}`;
