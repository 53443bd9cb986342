import { useI18n } from '../i18n/i18n.js';
import { useRoute } from '../router.js';

const REASONS = ['signed-out', 'forbidden', 'too-large', 'wrong-type', 'too-many', 'failed', 'unreachable'] as const;
type Reason = (typeof REASONS)[number];
/** The service worker's share limit (public/sw.js MAX_SHARED), said in the too-many notice. */
const MAX_SHARED = 20;

/**
 * What happened to photos shared from a phone ("Share → Hearth") that the hub did not save: the
 * service worker (public/sw.js) lands on the gallery with share-failed / share-total / share-reason.
 */
export function ShareNotice() {
  const { t, tn } = useI18n();
  const { query } = useRoute();
  const raw = query.get('share-reason');
  if (!raw) return null;
  const reason: Reason = (REASONS as readonly string[]).includes(raw) ? (raw as Reason) : 'failed';
  const count = (name: string) => Math.max(0, Math.min(10_000, Number.parseInt(query.get(name) ?? '', 10) || 0));
  const failed = count('share-failed');
  const total = Math.max(count('share-total'), failed);
  const params = { failed: String(failed), total: String(total), max: String(MAX_SHARED) };
  const text = reason === 'signed-out' ? tn('share.signed-out', total) : t(`share.${reason}`, params);
  return (
    <p class="notice notice-error" role="alert">
      {text}
    </p>
  );
}
