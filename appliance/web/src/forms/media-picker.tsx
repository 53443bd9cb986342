import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { ErrorNotice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import type { Media } from '../types.js';
import { useResource } from '../use-resource.js';

interface Props {
  id: string;
  label: string;
  hint: string | undefined;
  error: string | undefined;
  multiple: boolean;
  selected: string[];
  onChange(ids: string[]): void;
}

/** Pick pictures from the gallery, or upload one (shown at once from the file, before it is sent). */
export function MediaPicker({ id, label, hint, error, multiple, selected, onChange }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const [browsing, setBrowsing] = useState(false);
  const [preview, setPreview] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<ApiError | null>(null);
  useEffect(
    () => () => {
      if (preview) URL.revokeObjectURL(preview);
    },
    [preview],
  );

  const toggle = (mediaId: string) => {
    if (!multiple) return onChange([mediaId]);
    onChange(selected.includes(mediaId) ? selected.filter((m) => m !== mediaId) : [...selected, mediaId]);
  };
  const upload = async (file: File) => {
    setPreview(URL.createObjectURL(file));
    setUploading(true);
    setUploadError(null);
    const form = new FormData();
    form.append('file', file);
    try {
      const media = await api.post<Media>('/api/media', form);
      onChange(multiple ? [...selected, media.id] : [media.id]);
    } catch (e) {
      setUploadError(e as ApiError);
    } finally {
      setUploading(false);
    }
  };

  return (
    <fieldset class={`stack media-picker${error ? ' field-invalid' : ''}`} aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}>
      <legend>{label}</legend>
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      <ul class="plain thumbs" aria-label={t('media.selected')}>
        {selected.map((m, i) => (
          <li key={m}>
            <img src={`/api/media/${m}/thumbnail?size=256`} alt={t('media.selectedN', { n: i + 1 })} />
            <button type="button" onClick={() => onChange(selected.filter((x) => x !== m))}>
              {t('form.remove')}
            </button>
          </li>
        ))}
      </ul>
      {preview && uploading && <img class="upload-preview" src={preview} alt={t('media.uploadPreview')} />}
      <div class="row">
        <label class="button" for={`${id}-file`}>
          {t('media.upload')}
        </label>
        <input
          id={`${id}-file`}
          class="visually-hidden-file"
          type="file"
          accept="image/*"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void upload(f);
            e.currentTarget.value = '';
          }}
        />
        <button type="button" aria-expanded={browsing} onClick={() => setBrowsing(!browsing)}>
          {t('media.chooseFromGallery')}
        </button>
      </div>
      {uploading && (
        <p role="status" class="muted">
          {t('media.uploading')}
        </p>
      )}
      <ErrorNotice error={uploadError} />
      {error && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {error}
        </small>
      )}
      {browsing && <GalleryChoices selected={selected} onToggle={toggle} />}
    </fieldset>
  );
}

function GalleryChoices({ selected, onToggle }: { selected: string[]; onToggle(id: string): void }) {
  const { t, formatDate } = useI18n();
  const media = useResource<{ media: Media[] }>('/api/media?scope=mine&limit=48');
  return (
    <div>
      <ErrorNotice error={media.error} />
      {media.data?.media.length === 0 && <p class="muted">{t('gallery.empty')}</p>}
      <ul class="plain thumbs">
        {media.data?.media
          .filter((m) => m.contentType.startsWith('image/'))
          .map((m) => (
            <li key={m.id}>
              <button type="button" class="thumb-button" aria-pressed={selected.includes(m.id)} onClick={() => onToggle(m.id)}>
                <img src={`/api/media/${m.id}/thumbnail?size=256`} alt={t('media.fromDate', { date: formatDate(m.createdAt) })} loading="lazy" />
              </button>
            </li>
          ))}
      </ul>
    </div>
  );
}
