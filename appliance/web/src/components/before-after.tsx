import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';

/** The result over the original, split where the slider is: drag (or arrow keys) to compare. */
export function BeforeAfter({ before, after, width, height }: { before: string; after: string; width: number | null; height: number | null }) {
  const { t } = useI18n();
  const [split, setSplit] = useState(50);
  const ratio = width && height ? `${width} / ${height}` : undefined;
  return (
    <figure class="before-after stack">
      <div class="before-after-frame" style={ratio ? { aspectRatio: ratio } : undefined}>
        <img src={before} alt={t('result.before')} />
        <img src={after} alt={t('result.after')} class="after" style={{ clipPath: `inset(0 0 0 ${split}%)` }} />
        <span class="before-after-line" style={{ left: `${split}%` }} aria-hidden="true" />
        <span class="before-after-tag left" aria-hidden="true">
          {t('result.before')}
        </span>
        <span class="before-after-tag right" aria-hidden="true">
          {t('result.after')}
        </span>
      </div>
      <label class="small" for="before-after">
        {t('result.compare')}
      </label>
      <input
        id="before-after"
        type="range"
        min={0}
        max={100}
        value={split}
        onInput={(e) => setSplit(Number(e.currentTarget.value))}
        aria-valuetext={t('result.compareValue', { pct: 100 - split })}
      />
    </figure>
  );
}
