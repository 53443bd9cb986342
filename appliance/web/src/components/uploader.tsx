import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import type { Media } from '../types.js';
import { ErrorNotice } from './notice.js';
import { ProgressBar } from './progress-bar.js';

interface Upload {
  key: number;
  name: string;
  fraction: number;
  done: boolean;
  error: ApiError | null;
}

let nextKey = 0;

/** Several pictures at once, from the button or dropped on the area, each with its own progress. */
export function Uploader({ onUploaded }: { onUploaded(m: Media): void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [over, setOver] = useState(false);
  const update = (key: number, change: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const send = async (files: File[]) => {
    const started = files.map((f) => ({ key: ++nextKey, name: f.name, fraction: 0, done: false, error: null }));
    setUploads((all) => [...started, ...all.filter((u) => !u.done)].slice(0, 20));
    // One after another: a Pi on Wi-Fi uploads faster that way than with all at once.
    for (const [i, file] of files.entries()) {
      const key = started[i]!.key;
      const form = new FormData();
      form.append('file', file, file.name);
      try {
        const media = await api.upload<Media>('/api/media', form, (fraction) => update(key, { fraction }));
        update(key, { fraction: 1, done: true });
        onUploaded(media);
      } catch (e) {
        update(key, { error: e instanceof ApiError ? e : new ApiError(0, String(e)) });
      }
    }
  };
  const pick = (list: FileList | null | undefined) => {
    const files = [...(list ?? [])];
    if (files.length > 0) void send(files);
  };
  return (
    <section
      class={`uploader card stack${over ? ' drag-over' : ''}`}
      aria-labelledby="upload-h"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        pick(e.dataTransfer?.files);
      }}
    >
      <h2 id="upload-h" class="sr-only">
        {t('gallery.uploadTitle')}
      </h2>
      <div class="row wrap">
        <label class="button primary" for="gallery-upload">
          {t('gallery.uploadButton')}
        </label>
        <input
          id="gallery-upload"
          type="file"
          accept="image/*"
          multiple
          class="visually-hidden-input"
          onChange={(e) => {
            pick(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
        <span class="muted small">{t('gallery.dropHint')}</span>
      </div>
      {uploads.length > 0 && (
        <ul class="plain stack" aria-label={t('gallery.uploads')}>
          {uploads.map((u) => (
            <li key={u.key} class="upload-row" data-done={u.done ? 'yes' : 'no'}>
              <ProgressBar
                fraction={u.fraction}
                label={t('gallery.uploadOf', { name: u.name })}
                stage={u.done ? t('gallery.uploaded', { name: u.name }) : u.name}
              />
              <ErrorNotice error={u.error} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
