import { useState } from 'preact/hooks';
import { Field } from '../components/field.js';
import { useI18n } from '../i18n/i18n.js';

interface MyPreset {
  name: string;
  input: unknown;
}

const key = (type: string) => `hearth.presets.${type}`;

/** Settings a person saved for a job type, kept in this browser only. */
export function loadMyPresets(type: string): MyPreset[] {
  try {
    const v = JSON.parse(localStorage.getItem(key(type)) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as MyPreset[]).filter((p) => typeof p?.name === 'string') : [];
  } catch {
    return [];
  }
}

export function MyPresets({ type, current, onLoad, onSaved }: { type: string; current: unknown; onLoad(v: unknown): void; onSaved(): void }) {
  const { t } = useI18n();
  const [presets, setPresets] = useState(() => loadMyPresets(type));
  const [name, setName] = useState('');
  const save = () => {
    if (!name.trim()) return;
    // Media picked for one job rarely suits the next: keep only the settings.
    const settings = JSON.parse(JSON.stringify(current, (k, v: unknown) => (k === 'mediaId' || k === 'mediaIds' ? undefined : v))) as unknown;
    const next = [...presets.filter((p) => p.name !== name.trim()), { name: name.trim(), input: settings }].slice(-20);
    localStorage.setItem(key(type), JSON.stringify(next));
    setPresets(next);
    setName('');
    onSaved();
  };
  return (
    <details class="presets">
      <summary>{t('create.myPresets')}</summary>
      <div class="stack">
        {presets.length > 0 && (
          <Field id="my-preset" label={t('create.loadPreset')}>
            <select
              id="my-preset"
              onChange={(e) => {
                const p = presets.find((x) => x.name === e.currentTarget.value);
                if (p) onLoad({ ...(current as object), ...(p.input as object) });
              }}
            >
              <option value="">—</option>
              {presets.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <div class="row end">
          <Field id="preset-name" label={t('create.presetName')}>
            <input id="preset-name" maxLength={40} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <button type="button" onClick={save}>
            {t('create.savePreset')}
          </button>
        </div>
      </div>
    </details>
  );
}
