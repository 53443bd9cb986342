import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { ErrorNotice, Loading, Notice } from '../../components/notice.js';
import { useI18n, type Translate } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { useSession } from '../../session.js';
import type { KioskLayout, KioskTile, KioskTileType } from '../../types.js';
import { useResource } from '../../use-resource.js';
import { PresenceFields } from './kiosk-presence.js';
import { DoorbellFields } from './kiosk-doorbell.js';
import { LayoutPreview } from './kiosk-preview.js';
import { NightFields } from './kiosk-night.js';
import { CalendarTileFields } from './kiosk-calendar.js';
import { TileTitleField } from './tile-title-field.js';

/** The tile kinds of protocol/src/kiosk.ts, listed here so that no schema code reaches the bundle. */
const TILE_TYPES: readonly KioskTileType[] = ['clock', 'weather', 'calendar', 'entities', 'jobs', 'agents', 'slideshow'];
const tileKey = (type: KioskTileType) => `kiosk.tile.${type}` as MessageKey;

/** A new tile of `type` at `cell`, with the options it needs (the admin fills in entity ids). */
function newTile(type: KioskTileType, cell: { x: number; y: number }): KioskTile {
  const at = { ...cell, w: 1, h: 1 };
  switch (type) {
    case 'clock':
      return { type, ...at, options: { date: true } };
    case 'weather':
      return { type, ...at, options: { entityId: '' } };
    case 'calendar':
      return { type, ...at, options: { entityIds: [] } };
    case 'entities':
      return { type, ...at, options: { entityIds: [] } };
    case 'jobs':
      return { type, ...at, options: {} };
    case 'agents':
      return { type, ...at, options: {} };
    case 'slideshow':
      return { type, ...at, options: {} };
  }
}

/** The first grid cell no tile covers, so that a new tile starts somewhere sensible. */
function freeCell(layout: KioskLayout): { x: number; y: number } {
  for (let y = 0; y < layout.rows; y++) {
    for (let x = 0; x < layout.columns; x++) {
      if (!layout.tiles.some((t) => x >= t.x && x < t.x + t.w && y >= t.y && y < t.y + t.h)) return { x, y };
    }
  }
  return { x: 0, y: 0 };
}

/** The tile the server refused (its field is `tiles.N…`): shown beside that tile. */
function tileOf(error: ApiError): number | null {
  const m = /^tiles\.(\d+)/.exec(error.field ?? '');
  return m ? Number(m[1]) : null;
}

/** A small list editor for the wall display's grid: tiles with type, place, size and options. */
export function KioskLayoutForm() {
  const { t } = useI18n();
  const { api } = useSession();
  const loaded = useResource<KioskLayout>('/api/admin/kiosk/layout');
  const [layout, setLayout] = useState<KioskLayout | null>(null);
  const [addType, setAddType] = useState<KioskTileType>('clock');
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) setLayout(loaded.data);
  }, [loaded.data]);
  if (loaded.missing) return null;
  if (!layout)
    return (
      <section class="card" aria-labelledby="klay-h">
        <h2 id="klay-h">{t('kiosk.layout')}</h2>
        {loaded.loading ? <Loading /> : <ErrorNotice error={loaded.error} />}
      </section>
    );

  const change = (next: KioskLayout) => {
    setLayout(next);
    setSaved(false);
    setError(null);
  };
  const setTile = (i: number, tile: KioskTile) => change({ ...layout, tiles: layout.tiles.map((old, j) => (j === i ? tile : old)) });
  const move = (i: number, by: -1 | 1) => {
    const tiles = [...layout.tiles];
    const [tile] = tiles.splice(i, 1);
    tiles.splice(i + by, 0, tile!);
    change({ ...layout, tiles });
    // Keep the keyboard where it was: on the same button of the moved tile.
    requestAnimationFrame(() => document.getElementById(`tile-${i + by}-${by < 0 ? 'up' : 'down'}`)?.focus());
  };
  const remove = (i: number) => {
    change({ ...layout, tiles: layout.tiles.filter((_, j) => j !== i) });
    requestAnimationFrame(() => document.getElementById('klay-h')?.focus());
  };
  const add = () => {
    change({ ...layout, tiles: [...layout.tiles, newTile(addType, freeCell(layout))] });
    requestAnimationFrame(() => document.getElementById(`tile-${layout.tiles.length}-type`)?.focus());
  };
  /** `undo`: a refused drag puts the tiles back where the wall has them. */
  const save = async (next: KioskLayout, undo?: KioskLayout) => {
    try {
      setLayout(await api.put<KioskLayout>('/api/admin/kiosk/layout', next));
      setSaved(true);
      setError(null);
    } catch (err) {
      if (undo) setLayout(undo);
      setError(err as ApiError);
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    await save(layout);
  };
  const badTile = error ? tileOf(error) : null;
  const gridNumber = (key: 'columns' | 'rows') => (
    <div class="field">
      <label for={`grid-${key}`}>{t(key === 'columns' ? 'kiosk.columns' : 'kiosk.rows')}</label>
      <input
        id={`grid-${key}`}
        type="number"
        min={1}
        max={12}
        value={layout[key]}
        onInput={(e) => change({ ...layout, [key]: e.currentTarget.valueAsNumber })}
      />
    </div>
  );

  return (
    <form onSubmit={(e) => void submit(e)} class="card stack" aria-labelledby="klay-h" noValidate>
      <h2 id="klay-h" tabIndex={-1}>
        {t('kiosk.layout')}
      </h2>
      <p class="hint">{t('kiosk.previewHint')}</p>
      <LayoutPreview layout={layout} onChange={change} onDrop={(next, before) => void save(next, before)} />
      <fieldset class="row wrap end">
        <legend>{t('kiosk.grid')}</legend>
        {gridNumber('columns')}
        {gridNumber('rows')}
      </fieldset>
      <ol class="plain stack kiosk-tiles">
        {layout.tiles.map((tile, i) => (
          // Keyed by place, so that changing a tile's kind keeps the keyboard in its select.
          <li key={i}>
            <TileEditor
              tile={tile}
              index={i}
              count={layout.tiles.length}
              t={t}
              problem={badTile === i ? error!.message : undefined}
              onChange={(next) => setTile(i, next)}
              onMove={(by) => move(i, by)}
              onRemove={() => remove(i)}
            />
          </li>
        ))}
      </ol>
      <div class="row wrap end">
        <div class="field">
          <label for="tile-add-type">{t('kiosk.newTileType')}</label>
          <select id="tile-add-type" value={addType} onChange={(e) => setAddType(e.currentTarget.value as KioskTileType)}>
            {TILE_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(tileKey(type))}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={add} disabled={layout.tiles.length >= 24}>
          {t('kiosk.addTile')}
        </button>
      </div>
      <NightFields night={layout.night} burnIn={layout.burnIn} onChange={(next) => change({ ...layout, ...next })} />
      <PresenceFields value={layout.presence} onChange={(presence) => change({ ...layout, presence })} />
      <DoorbellFields
        value={layout.doorbell}
        onChange={(doorbell) => {
          const { doorbell: _old, ...rest } = layout;
          change(doorbell ? { ...rest, doorbell } : rest);
        }}
      />
      {error && badTile === null && <ErrorNotice error={error} />}
      {error && badTile !== null && (
        <p class="notice notice-error" role="alert">
          {t('kiosk.tileProblem', { n: badTile + 1 })}
        </p>
      )}
      {saved && <Notice kind="success">{t('common.saved')}</Notice>}
      <button type="submit" class="primary">
        {t('kiosk.saveLayout')}
      </button>
    </form>
  );
}

interface TileEditorProps {
  tile: KioskTile;
  index: number;
  count: number;
  t: Translate;
  problem: string | undefined;
  onChange(tile: KioskTile): void;
  onMove(by: -1 | 1): void;
  onRemove(): void;
}

function TileEditor({ tile, index, count, t, problem, onChange, onMove, onRemove }: TileEditorProps) {
  const id = `tile-${index}`;
  const n = index + 1;
  const errorId = `${id}-problem`;
  const number = (key: 'x' | 'y' | 'w' | 'h', label: MessageKey, min: number) => (
    <div class="field">
      <label for={`${id}-${key}`}>{t(label)}</label>
      <input
        id={`${id}-${key}`}
        type="number"
        min={min}
        max={key === 'x' || key === 'y' ? 11 : 12}
        class="tile-number"
        value={tile[key]}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? errorId : undefined}
        onInput={(e) => onChange({ ...tile, [key]: e.currentTarget.valueAsNumber })}
      />
    </div>
  );
  return (
    <fieldset class={`stack${problem ? ' field-invalid' : ''}`}>
      <legend>{t('kiosk.tileN', { n, type: t(tileKey(tile.type)) })}</legend>
      <div class="row wrap end">
        <div class="field">
          <label for={`${id}-type`}>{t('kiosk.tileType')}</label>
          <select
            id={`${id}-type`}
            value={tile.type}
            onChange={(e) => {
              const type = e.currentTarget.value as KioskTileType;
              onChange({ ...newTile(type, tile), w: tile.w, h: tile.h });
            }}
          >
            {TILE_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(tileKey(type))}
              </option>
            ))}
          </select>
        </div>
        {number('x', 'kiosk.x', 0)}
        {number('y', 'kiosk.y', 0)}
        {number('w', 'kiosk.w', 1)}
        {number('h', 'kiosk.h', 1)}
      </div>
      <TileOptions tile={tile} id={id} t={t} onChange={onChange} />
      {problem && (
        <p id={errorId} class="field-error" role="alert">
          {problem}
        </p>
      )}
      <div class="row wrap">
        <button type="button" id={`${id}-up`} class="small" disabled={index === 0} aria-label={t('kiosk.moveUp', { n })} onClick={() => onMove(-1)}>
          {t('kiosk.up')}
        </button>
        <button type="button" id={`${id}-down`} class="small" disabled={index === count - 1} aria-label={t('kiosk.moveDown', { n })} onClick={() => onMove(1)}>
          {t('kiosk.down')}
        </button>
        <button type="button" class="small" aria-label={t('kiosk.removeTile', { n })} onClick={onRemove}>
          {t('form.remove')}
        </button>
      </div>
    </fieldset>
  );
}

/** The options each kind of tile has (protocol/src/kiosk.ts KioskTile). */
function TileOptions({ tile, id, t, onChange }: { tile: KioskTile; id: string; t: Translate; onChange(tile: KioskTile): void }) {
  switch (tile.type) {
    case 'clock':
      return (
        <div class="row wrap">
          <label class="row">
            <input
              type="checkbox"
              checked={tile.options.seconds === true}
              onChange={(e) => onChange({ ...tile, options: { ...tile.options, seconds: e.currentTarget.checked } })}
            />
            {t('kiosk.seconds')}
          </label>
          <label class="row">
            <input
              type="checkbox"
              checked={tile.options.date === true}
              onChange={(e) => onChange({ ...tile, options: { ...tile.options, date: e.currentTarget.checked } })}
            />
            {t('kiosk.date')}
          </label>
        </div>
      );
    case 'weather':
      return (
        <div class="field">
          <label for={`${id}-entity`}>{t('kiosk.weatherEntity')}</label>
          <input
            id={`${id}-entity`}
            value={tile.options.entityId}
            placeholder="weather.home"
            onInput={(e) => onChange({ ...tile, options: { entityId: e.currentTarget.value.trim() } })}
          />
        </div>
      );
    case 'calendar':
      return <CalendarTileFields tile={tile} id={id} onChange={onChange} />;
    case 'entities':
      return (
        <div class="row wrap end">
          <TileTitleField tile={tile} id={id} onChange={(next) => onChange(next)} />
          <div class="field">
            <label for={`${id}-ids`}>{t('kiosk.entityIds')}</label>
            <input
              id={`${id}-ids`}
              value={tile.options.entityIds.join(', ')}
              placeholder="light.kitchen, sensor.outside"
              aria-describedby={`${id}-ids-hint`}
              onChange={(e) => onChange({ ...tile, options: { ...tile.options, entityIds: e.currentTarget.value.split(/[\s,]+/).filter(Boolean) } })}
            />
            <small id={`${id}-ids-hint`} class="hint">
              {t('kiosk.entityIdsHint')}
            </small>
          </div>
        </div>
      );
    case 'jobs':
      return (
        <div class="field">
          <label for={`${id}-max`}>
            {t('kiosk.maxJobs')} <span class="muted small">({t('form.optional')})</span>
          </label>
          <input
            id={`${id}-max`}
            type="number"
            min={1}
            max={10}
            class="tile-number"
            value={tile.options.max ?? ''}
            onInput={(e) => {
              const v = e.currentTarget.value;
              onChange({ ...tile, options: v === '' ? {} : { max: Number(v) } });
            }}
          />
        </div>
      );
    default:
      return null;
  }
}
