import { useI18n } from '../i18n/i18n.js';

/** A labelled progress bar; the stage is announced politely to screen readers. */
export function ProgressBar({ fraction, stage, label }: { fraction: number; stage?: string | undefined; label: string }) {
  const { t } = useI18n();
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div class="progress">
      <div class="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={`${pct} %`}>
        <div class="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <p class="progress-text" aria-live="polite">
        {t('progress.percent', { pct })}
        {stage ? ` · ${stage}` : ''}
      </p>
    </div>
  );
}
