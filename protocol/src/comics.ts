import { Type, type Static } from '@sinclair/typebox';
import { MediaId } from './media-id.js';
import { SafeName } from './names.js';
import { JOB_TITLES } from './job-titles.js';

/**
 * A comic is a document: pages → panels → bubbles, and characters. Geometry of bubbles is
 * panel-relative (0–1, origin top-left), so the editor, the renderer and every page size agree.
 * Page layouts are named templates; their slots are computed here, once, for everyone.
 */

const Strict = { additionalProperties: false } as const;
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const COMIC_LIMITS = {
  pages: 12,
  panelsPerPage: 6,
  bubblesPerPanel: 6,
  characters: 8,
  bubbleText: 200,
  title: 120,
  premise: 1000,
  prompt: 500,
  /** Smallest bubble side, as a share of its panel: smaller cannot hold a word. */
  minBubble: 0.08,
} as const;

export const COMIC_PRIVACY = ['private', 'family', 'kiosk'] as const;
export type ComicPrivacy = (typeof COMIC_PRIVACY)[number];

export const BUBBLE_KINDS = ['speech', 'thought', 'caption', 'shout'] as const;
export type BubbleKind = (typeof BUBBLE_KINDS)[number];

/** One row of a layout: its share of the page's height and how many equal panels sit in it. */
interface LayoutRow {
  weight: number;
  columns: number;
}

export const COMIC_LAYOUTS = {
  one: [{ weight: 1, columns: 1 }],
  two: [
    { weight: 1, columns: 1 },
    { weight: 1, columns: 1 },
  ],
  three: [
    { weight: 1, columns: 1 },
    { weight: 1, columns: 1 },
    { weight: 1, columns: 1 },
  ],
  four: [
    { weight: 1, columns: 1 },
    { weight: 1, columns: 2 },
    { weight: 1, columns: 1 },
  ],
  six: [
    { weight: 1, columns: 2 },
    { weight: 1, columns: 2 },
    { weight: 1, columns: 2 },
  ],
  strip: [{ weight: 1, columns: 3 }],
  splash: [
    { weight: 3, columns: 1 },
    { weight: 1, columns: 3 },
  ],
  'grid-2x2': [
    { weight: 1, columns: 2 },
    { weight: 1, columns: 2 },
  ],
  'big-top': [
    { weight: 2, columns: 1 },
    { weight: 1, columns: 2 },
  ],
} as const satisfies Record<string, readonly LayoutRow[]>;
export type ComicLayoutName = keyof typeof COMIC_LAYOUTS;
export const COMIC_LAYOUT_NAMES = Object.keys(COMIC_LAYOUTS) as ComicLayoutName[];

/** A4 portrait; margins and gutters as shares of the page's width. */
export const COMIC_PAGE = { aspect: 297 / 210, margin: 0.045, gutter: 0.022, border: 0.0025 } as const;

export interface FractionRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where each slot of a layout sits on the page, as shares of the page's width (x, w) and height (y, h). */
export function layoutSlots(layout: ComicLayoutName): FractionRect[] {
  const rows: readonly LayoutRow[] = COMIC_LAYOUTS[layout];
  const { margin, gutter, aspect } = COMIC_PAGE;
  // Vertical distances in shares of the page's height.
  const vMargin = margin / aspect;
  const vGutter = gutter / aspect;
  const usableH = 1 - 2 * vMargin - (rows.length - 1) * vGutter;
  const total = rows.reduce((s, r) => s + r.weight, 0);
  const slots: FractionRect[] = [];
  let y = vMargin;
  for (const row of rows) {
    const h = (usableH * row.weight) / total;
    const w = (1 - 2 * margin - (row.columns - 1) * gutter) / row.columns;
    for (let c = 0; c < row.columns; c++) slots.push({ x: margin + c * (w + gutter), y, w, h });
    y += h + vGutter;
  }
  return slots;
}

export const slotCount = (layout: ComicLayoutName) => COMIC_LAYOUTS[layout].reduce((s, r) => s + r.columns, 0);

const LocalId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'an id the editor chose, unique in the comic' });
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const PictureCrop = Type.Object(
  {
    x: Share('focus point across the picture'),
    y: Share('focus point down the picture'),
    zoom: Type.Number({ minimum: 1, maximum: 4, description: '1 = the picture just covers the frame' }),
  },
  Strict,
);
export type PictureCrop = Static<typeof PictureCrop>;
export const DEFAULT_CROP: PictureCrop = { x: 0.5, y: 0.5, zoom: 1 };

/**
 * The part of a picture a frame shows: the picture scaled to cover the frame (times zoom), then
 * shifted so the focus point sits as near the frame's centre as the picture's edges allow.
 */
export function cropWindow(picture: { width: number; height: number }, frame: { width: number; height: number }, crop: PictureCrop) {
  const scale = Math.max(frame.width / picture.width, frame.height / picture.height) * crop.zoom;
  const width = picture.width * scale;
  const height = picture.height * scale;
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), Math.max(max, 0));
  return {
    scale,
    width,
    height,
    left: clamp(crop.x * width - frame.width / 2, width - frame.width),
    top: clamp(crop.y * height - frame.height / 2, height - frame.height),
  };
}

export const TailTarget = Type.Object({ x: Share('across the panel'), y: Share('down the panel') }, Strict);

export const ComicBubble = Type.Object(
  {
    id: LocalId,
    kind: literals(BUBBLE_KINDS),
    /** A character's id, or '' for a caption or an unnamed voice. */
    speaker: Type.Union([LocalId, Type.Literal('')]),
    text: Type.String({ maxLength: COMIC_LIMITS.bubbleText }),
    x: Share('left edge in the panel'),
    y: Share('top edge in the panel'),
    w: Type.Number({ minimum: COMIC_LIMITS.minBubble, maximum: 1 }),
    h: Type.Number({ minimum: COMIC_LIMITS.minBubble, maximum: 1 }),
    /** The point the tail points at (the speaker's mouth); none for captions. */
    tail: Type.Union([TailTarget, Type.Null()]),
    /** Typed by a person: "Write the dialogue" keeps it unless asked to replace everything. */
    byHand: Type.Boolean(),
  },
  Strict,
);
export type ComicBubble = Static<typeof ComicBubble>;

export const ComicPanel = Type.Object(
  {
    id: LocalId,
    slot: Type.Integer({ minimum: 0, maximum: COMIC_LIMITS.panelsPerPage - 1, description: 'which slot of the page layout' }),
    mediaId: Type.Union([MediaId, Type.Null()]),
    crop: PictureCrop,
    prompt: Type.String({ maxLength: COMIC_LIMITS.prompt, description: 'what happens in the panel' }),
    characters: Type.Array(LocalId, { maxItems: COMIC_LIMITS.characters }),
    bubbles: Type.Array(ComicBubble, { maxItems: COMIC_LIMITS.bubblesPerPanel }),
  },
  Strict,
);
export type ComicPanel = Static<typeof ComicPanel>;

export const ComicPage = Type.Object(
  {
    id: LocalId,
    layout: literals(COMIC_LAYOUT_NAMES),
    panels: Type.Array(ComicPanel, { maxItems: COMIC_LIMITS.panelsPerPage }),
  },
  Strict,
);
export type ComicPage = Static<typeof ComicPage>;

export const ComicCharacter = Type.Object(
  {
    id: LocalId,
    name: SafeName({ maxLength: 60 }),
    description: Type.String({ maxLength: 500 }),
    refMediaId: Type.Union([MediaId, Type.Null()]),
    seed: Type.Integer({ minimum: 0, maximum: 4294967295, description: 'the same seed in every panel keeps a face the same' }),
    style: Type.String({ maxLength: 200, description: 'e.g. "watercolour, soft lines"' }),
  },
  Strict,
);
export type ComicCharacter = Static<typeof ComicCharacter>;

/** What a person edits. */
export const ComicContent = Type.Object(
  {
    title: SafeName({ maxLength: COMIC_LIMITS.title }),
    premise: Type.String({ maxLength: COMIC_LIMITS.premise }),
    privacy: literals(COMIC_PRIVACY),
    characters: Type.Array(ComicCharacter, { maxItems: COMIC_LIMITS.characters }),
    pages: Type.Array(ComicPage, { minItems: 1, maxItems: COMIC_LIMITS.pages }),
  },
  Strict,
);
export type ComicContent = Static<typeof ComicContent>;

export const ComicRenderState = Type.Object(
  {
    jobId: Type.String(),
    /** The comic's version the render was made from. */
    version: Type.Integer(),
    status: Type.String(),
    /** One PNG per page, then the PDF and the CBZ, once the job succeeded. */
    pageMediaIds: Type.Array(Type.String()),
  },
  Strict,
);

/** What the server adds: who, when, which version. */
export const ComicMeta = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer({ minimum: 1 }),
    ownerId: Type.Integer(),
    ownerName: Type.String(),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    deletedAt: Type.Union([Type.Number(), Type.Null()]),
    render: Type.Union([ComicRenderState, Type.Null()]),
  },
  Strict,
);

export const ComicView = Type.Composite([ComicContent, ComicMeta], Strict);
export type ComicView = Static<typeof ComicView>;

/** `PUT` takes back what `GET` gave: the server's own fields may come along and are ignored. */
export const ComicSave = Type.Composite([ComicContent, Type.Partial(ComicMeta)], Strict);
export type ComicSave = Static<typeof ComicSave>;

export const ComicSummary = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    privacy: literals(COMIC_PRIVACY),
    ownerId: Type.Integer(),
    ownerName: Type.String(),
    pages: Type.Integer(),
    coverMediaId: Type.Union([Type.String(), Type.Null()]),
    updatedAt: Type.Number(),
    deletedAt: Type.Union([Type.Number(), Type.Null()]),
  },
  Strict,
);
export type ComicSummary = Static<typeof ComicSummary>;

/** The ETag of a comic at a version: `GET` sends it, `PUT` wants it back in If-Match. */
export const comicEtag = (id: number, version: number) => `"comic-${id}-v${version}"`;

export interface ComicProblem {
  /** Where, as a path a person and the editor can follow: `pages.0.panels.1.bubbles.0.x`. */
  field: string;
  message: string;
}

const EPSILON = 1e-6;

/**
 * What a schema cannot say: bubbles inside their panel, panels in existing and distinct slots,
 * references to characters that exist, ids unique. Empty when the comic is sound.
 */
export function comicProblems(c: ComicContent): ComicProblem[] {
  const problems: ComicProblem[] = [];
  const seen = new Set<string>();
  const unique = (id: string, field: string) => {
    if (seen.has(id)) problems.push({ field, message: `id "${id}" is used twice in this comic` });
    seen.add(id);
  };
  const characterIds = new Set(c.characters.map((ch) => ch.id));
  c.characters.forEach((ch, i) => unique(ch.id, `characters.${i}.id`));
  c.pages.forEach((page, p) => {
    unique(page.id, `pages.${p}.id`);
    const slots = slotCount(page.layout);
    const used = new Set<number>();
    page.panels.forEach((panel, n) => {
      const at = `pages.${p}.panels.${n}`;
      unique(panel.id, `${at}.id`);
      if (panel.slot >= slots)
        problems.push({
          field: `${at}.slot`,
          message: `the layout "${page.layout}" has ${slots} panel${slots === 1 ? '' : 's'}; slot ${panel.slot} does not exist`,
        });
      else if (used.has(panel.slot)) problems.push({ field: `${at}.slot`, message: `two panels are in slot ${panel.slot}` });
      used.add(panel.slot);
      panel.characters.forEach((id, k) => {
        if (!characterIds.has(id)) problems.push({ field: `${at}.characters.${k}`, message: `no character has the id "${id}"` });
      });
      panel.bubbles.forEach((b, k) => {
        const bAt = `${at}.bubbles.${k}`;
        unique(b.id, `${bAt}.id`);
        if (b.x + b.w > 1 + EPSILON) problems.push({ field: `${bAt}.w`, message: 'the bubble reaches past the right edge of its panel' });
        if (b.y + b.h > 1 + EPSILON) problems.push({ field: `${bAt}.h`, message: 'the bubble reaches past the bottom edge of its panel' });
        if (b.speaker && !characterIds.has(b.speaker)) problems.push({ field: `${bAt}.speaker`, message: `no character has the id "${b.speaker}"` });
        if (b.kind === 'caption' && b.tail) problems.push({ field: `${bAt}.tail`, message: 'a caption has no tail' });
      });
    });
  });
  return problems;
}

/** A blank comic of one page: what a title alone creates. */
export function emptyComic(title: string, layout: ComicLayoutName = 'four'): ComicContent {
  return { title, premise: '', privacy: 'private', characters: [], pages: [blankPage('p1', layout)] };
}

export function blankPage(id: string, layout: ComicLayoutName): ComicPage {
  return {
    id,
    layout,
    panels: Array.from({ length: slotCount(layout) }, (_, slot) => ({
      id: `${id}-${slot + 1}`,
      slot,
      mediaId: null,
      crop: { ...DEFAULT_CROP },
      prompt: '',
      characters: [],
      bubbles: [],
    })),
  };
}

// ---- what the renderer needs: the drawable part of the document ----

export const RenderBubble = Type.Object(
  {
    kind: literals(BUBBLE_KINDS),
    text: Type.String({ maxLength: COMIC_LIMITS.bubbleText }),
    x: Share('left'),
    y: Share('top'),
    w: Type.Number({ minimum: COMIC_LIMITS.minBubble, maximum: 1 }),
    h: Type.Number({ minimum: COMIC_LIMITS.minBubble, maximum: 1 }),
    tail: Type.Union([TailTarget, Type.Null()]),
  },
  Strict,
);
export type RenderBubble = Static<typeof RenderBubble>;

export const ComicRenderInput = Type.Object(
  {
    title: SafeName({ maxLength: COMIC_LIMITS.title }),
    pages: Type.Array(
      Type.Object(
        {
          layout: literals(COMIC_LAYOUT_NAMES),
          panels: Type.Array(
            Type.Object(
              {
                slot: Type.Integer({ minimum: 0, maximum: COMIC_LIMITS.panelsPerPage - 1 }),
                mediaId: Type.Union([MediaId, Type.Null()]),
                crop: PictureCrop,
                bubbles: Type.Array(RenderBubble, { maxItems: COMIC_LIMITS.bubblesPerPanel }),
              },
              Strict,
            ),
            { maxItems: COMIC_LIMITS.panelsPerPage },
          ),
        },
        Strict,
      ),
      { minItems: 1, maxItems: COMIC_LIMITS.pages },
    ),
  },
  { ...Strict, title: JOB_TITLES['comic.render'] },
);
export type ComicRenderInput = Static<typeof ComicRenderInput>;

/** The drawable part of a comic, as the render job takes it. */
export function renderInputOf(c: ComicContent): ComicRenderInput {
  return {
    title: c.title,
    pages: c.pages.map((p) => ({
      layout: p.layout,
      panels: p.panels.map((n) => ({
        slot: n.slot,
        mediaId: n.mediaId,
        crop: n.crop,
        bubbles: n.bubbles.map((b) => ({ kind: b.kind, text: b.text, x: b.x, y: b.y, w: b.w, h: b.h, tail: b.tail })),
      })),
    })),
  };
}

/** Artifact names of a render, in the order the job reports them. */
export const comicPageArtifact = (page: number) => `page-${String(page + 1).padStart(2, '0')}.png`;
export const COMIC_PDF_ARTIFACT = 'comic.pdf';
export const COMIC_CBZ_ARTIFACT = 'comic.cbz';

export const ComicLookInput = Type.Object(
  {
    mediaId: MediaId,
    // PNG bit depths (2 or 4 bits): libvips gives its palette quantiser 2^depth colours.
    colours: Type.Union([Type.Literal(4), Type.Literal(16)], { default: 16, description: 'how many colours the picture keeps' }),
    lines: Type.Number({ minimum: 0, maximum: 1, default: 0.6, description: 'how strong the ink lines are' }),
  },
  { ...Strict, title: JOB_TITLES['image.comic-look'] },
);
export type ComicLookInput = Static<typeof ComicLookInput>;
