import { useI18n } from '../../i18n/i18n.js';

/** The optional title of a wall tile whose options carry one (entities, calendar). */
export function TileTitleField<T extends { options: { title?: string } }>({ tile, id, onChange }: { tile: T; id: string; onChange(tile: T): void }) {
  const { t } = useI18n();
  return (
    <div class="field">
      <label for={`${id}-title`}>
        {t('kiosk.tileTitle')} <span class="muted small">({t('form.optional')})</span>
      </label>
      <input
        id={`${id}-title`}
        maxLength={40}
        value={tile.options.title ?? ''}
        onInput={(e) => {
          const { title: _old, ...rest } = tile.options;
          const title = e.currentTarget.value;
          onChange({ ...tile, options: title ? { ...rest, title } : rest });
        }}
      />
    </div>
  );
}
