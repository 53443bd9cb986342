import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';

/** A small coloured label; the text carries the meaning, the colour only helps. */
export function Badge({ kind, messageKey }: { kind: string; messageKey: MessageKey }) {
  const { t } = useI18n();
  return <span class={`badge badge-${kind}`}>{t(messageKey)}</span>;
}
