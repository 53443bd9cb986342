import { describedBy, Field } from '../components/field.js';
import { useI18n } from '../i18n/i18n.js';
import { useResource } from '../use-resource.js';
import type { CheckpointsResponse } from '@hearth/protocol';
import type { JsonSchema } from '../types.js';
import { MediaPicker } from './media-picker.js';
import { choices, fieldKind, humanize, initialValue, setAt, type Errors } from './schema.js';

interface NodeProps {
  schema: JsonSchema;
  /** Dotted path inside the input ("" for the root). */
  path: string;
  name: string;
  value: unknown;
  required: boolean;
  errors: Errors;
  onChange(path: string, value: unknown): void;
}

/** A form for any job input schema, built from the schema alone. */
export function SchemaForm({ schema, value, errors, onChange }: { schema: JsonSchema; value: unknown; errors: Errors; onChange(value: unknown): void }) {
  return (
    <ObjectFields
      schema={schema}
      path=""
      name=""
      value={value}
      required
      errors={errors}
      onChange={(path, v) => onChange(setAt(value, path === '' ? [] : path.split('.'), v))}
    />
  );
}

function useLabel(schema: JsonSchema, name: string): { label: string; hint: string | undefined } {
  const { maybe } = useI18n();
  const label = maybe(`field.${name}`) ?? schema.title ?? humanize(name);
  return { label, hint: maybe(`hint.${name}`) ?? schema.description };
}

function SchemaNode(props: NodeProps) {
  if (props.name === 'checkpoint' && props.path === 'checkpoint') return <CheckpointField {...props} />;
  const kind = fieldKind(props.schema);
  switch (kind) {
    case 'object':
      return <ObjectFields {...props} />;
    case 'list':
      return <ListField {...props} />;
    case 'media':
    case 'media-list':
      return <MediaField {...props} multiple={kind === 'media-list'} />;
    case 'unsupported':
      return null;
    default:
      return <ScalarField {...props} />;
  }
}

const idOf = (path: string) => `f-${path.replaceAll('.', '-') || 'root'}`;

function ObjectFields({ schema, path, name, value, errors, onChange }: NodeProps) {
  const { label } = useLabel(schema, name);
  const obj = (value ?? {}) as Record<string, unknown>;
  const fields = Object.entries(schema.properties ?? {}).map(([k, s]) => {
    const child = path ? `${path}.${k}` : k;
    return (
      <SchemaNode
        key={k}
        schema={s}
        path={child}
        name={k}
        value={obj[k]}
        required={schema.required?.includes(k) ?? false}
        errors={errors}
        onChange={onChange}
      />
    );
  });
  if (path === '') return <div class="stack">{fields}</div>;
  return (
    <fieldset class="stack">
      {name && !/^\d+$/.test(name) && <legend>{label}</legend>}
      {fields}
    </fieldset>
  );
}

function ScalarField({ schema, path, name, value, required, errors, onChange }: NodeProps) {
  const { t } = useI18n();
  const { label, hint } = useLabel(schema, name);
  const id = idOf(path);
  const error = errors[path];
  const kind = fieldKind(schema);
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy(id, hint, error), required } as const;
  const shown = required ? label : `${label} (${t('form.optional')})`;

  if (kind === 'boolean') {
    return (
      <div class={`field field-check${error ? ' field-invalid' : ''}`}>
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(path, e.currentTarget.checked)} />
        <label for={id}>{label}</label>
        {hint && (
          <small id={`${id}-hint`} class="hint">
            {hint}
          </small>
        )}
      </div>
    );
  }
  if (kind === 'choice') {
    const options = choices(schema)!;
    return (
      <Field id={id} label={shown} hint={hint} error={error}>
        <select {...common} value={String(options.indexOf(value))} onChange={(e) => onChange(path, options[Number(e.currentTarget.value)])}>
          {!required && <option value="-1">—</option>}
          {options.map((o, i) => (
            <option key={i} value={String(i)}>
              {String(o)}
            </option>
          ))}
        </select>
      </Field>
    );
  }
  if (kind === 'integer' || kind === 'number') {
    const range = schema.minimum !== undefined && schema.maximum !== undefined ? t('form.range', { min: schema.minimum, max: schema.maximum }) : undefined;
    const fullHint = [hint, range].filter(Boolean).join(' · ') || undefined;
    return (
      <Field id={id} label={shown} hint={fullHint} error={error}>
        <input
          type="number"
          {...common}
          aria-describedby={describedBy(id, fullHint, error)}
          inputMode={kind === 'integer' ? 'numeric' : 'decimal'}
          min={schema.minimum}
          max={schema.maximum}
          step={schema.multipleOf ?? (kind === 'integer' ? 1 : 'any')}
          value={typeof value === 'number' ? String(value) : ''}
          onInput={(e) => {
            const raw = e.currentTarget.value;
            onChange(path, raw === '' ? undefined : Number(raw));
          }}
        />
      </Field>
    );
  }
  const text = typeof value === 'string' ? value : '';
  return (
    <Field id={id} label={shown} hint={hint} error={error}>
      {kind === 'long-text' ? (
        <textarea {...common} rows={3} maxLength={schema.maxLength} value={text} onInput={(e) => onChange(path, e.currentTarget.value)} />
      ) : (
        <input type="text" {...common} maxLength={schema.maxLength} value={text} onInput={(e) => onChange(path, e.currentTarget.value)} />
      )}
    </Field>
  );
}

function ListField({ schema, path, name, value, errors, onChange }: NodeProps) {
  const { t } = useI18n();
  const { label, hint } = useLabel(schema, name);
  const items = (value ?? []) as unknown[];
  const item = schema.items!;
  const max = schema.maxItems ?? Infinity;
  const min = schema.minItems ?? 0;
  return (
    <fieldset class="stack list-field">
      <legend>{label}</legend>
      {hint && <small class="hint">{hint}</small>}
      {errors[path] && (
        <small class="field-error" role="alert">
          {errors[path]}
        </small>
      )}
      <ol class="stack">
        {items.map((v, i) => (
          <li key={i} class="list-item">
            <SchemaNode schema={item} path={`${path}.${i}`} name={String(i)} value={v} required errors={errors} onChange={onChange} />
            {fieldKind(item) !== 'object' && <span class="sr-only">{t('form.item', { n: i + 1 })}</span>}
            <button
              type="button"
              disabled={items.length <= min}
              onClick={() =>
                onChange(
                  path,
                  items.filter((_, j) => j !== i),
                )
              }
              aria-label={t('form.removeItem', { label, n: i + 1 })}
            >
              {t('form.remove')}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" disabled={items.length >= max} onClick={() => onChange(path, [...items, initialValue(item)])}>
        {t('form.addItem', { label })}
      </button>
    </fieldset>
  );
}

function MediaField({ schema, path, name, value, required, errors, onChange, multiple }: NodeProps & { multiple: boolean }) {
  const { label } = useLabel(schema, name);
  const { t, maybe } = useI18n();
  // The schema's description of a media id speaks of ids; people get the picker's own words instead.
  const hint = maybe(`hint.${name}`);
  const selected = multiple ? ((value ?? []) as string[]) : typeof value === 'string' && value ? [value] : [];
  return (
    <MediaPicker
      id={idOf(path)}
      label={required ? label : `${label} (${t('form.optional')})`}
      hint={hint}
      error={errors[path]}
      multiple={multiple}
      selected={selected}
      onChange={(ids) => onChange(path, multiple ? ids : ids[0])}
    />
  );
}

/** A ComfyUI checkpoint: one of those the family's computers list (the appliance checks it again), or the computer's default. */
function CheckpointField({ schema, path, name, value, errors, onChange }: NodeProps) {
  const { t } = useI18n();
  const { label, hint } = useLabel(schema, name);
  const list = useResource<CheckpointsResponse>('/api/checkpoints');
  const id = idOf(path);
  const error = errors[path];
  const options = list.data?.checkpoints ?? [];
  if (options.length === 0 && typeof value !== 'string') return null;
  return (
    <Field id={id} label={`${label} (${t('form.optional')})`} hint={hint} error={error}>
      <select
        id={id}
        value={typeof value === 'string' ? value : ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onChange(path, e.currentTarget.value || undefined)}
      >
        <option value="">{t('form.checkpointDefault')}</option>
        {typeof value === 'string' && !options.includes(value) && <option value={value}>{value}</option>}
        {options.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </Field>
  );
}
