import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';

/** Copies `text` and says so; falls back to selecting the field where the clipboard is refused. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
  };
  return (
    <span class="copy">
      <button type="button" onClick={() => void copy()}>
        {label ?? t('common.copy')}
      </button>
      <span role="status" class="muted">
        {done === 'copied' ? t('common.copied') : done === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </span>
  );
}

/** A secret or link shown once, selectable, with a copy button. */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  const id = `once-${label.replace(/\W+/g, '-')}`;
  return (
    <div class="shown-once">
      <label for={id}>{label}</label>
      <div class="row">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={value} />
      </div>
    </div>
  );
}
