import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { JOB_TITLES } from './job-titles.js';
import { SafeName } from './names.js';
import { MediaId } from './media-id.js';
import { ComicLookInput, ComicRenderInput } from './comics.js';

export { MediaId };

const Prompt = Type.String({ minLength: 1, maxLength: 2000, description: 'what to make, in words' });
const Strict = { additionalProperties: false } as const;

export const UpscaleInput = Type.Object(
  {
    mediaId: MediaId,
    scale: Type.Union([Type.Literal(2), Type.Literal(4)], { default: 2, description: 'how many times larger' }),
  },
  { ...Strict, title: JOB_TITLES['image.upscale'] },
);

export const ModerateInput = Type.Object({ mediaId: MediaId }, { ...Strict, title: JOB_TITLES['image.moderate'] });

export const GifInput = Type.Object(
  {
    mediaIds: Type.Array(MediaId, { minItems: 2, maxItems: 60, description: 'frames, in order' }),
    frameDelayMs: Type.Integer({ minimum: 20, maximum: 5000, default: 200 }),
    width: Type.Integer({ minimum: 64, maximum: 1024, default: 480 }),
    loop: Type.Boolean({ default: true }),
  },
  { ...Strict, title: JOB_TITLES['gif.create'] },
);

const Dimension = Type.Integer({ minimum: 256, maximum: 2048, multipleOf: 64, default: 1024 });
/** A checkpoint file one of the family's ComfyUI servers lists (checked against the announced lists at submit). */
const Checkpoint = Type.String({ minLength: 1, maxLength: 260, pattern: '^[^\\0]+$', description: "checkpoint file name; default: the computer's own" });
const Seed = Type.Integer({ minimum: 0, maximum: 4294967295, description: 'same seed, same picture' });

export const GenerateInput = Type.Object(
  {
    prompt: Prompt,
    negativePrompt: Type.Optional(Type.String({ maxLength: 2000 })),
    width: Dimension,
    height: Dimension,
    steps: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
    seed: Type.Optional(Seed),
    checkpoint: Type.Optional(Checkpoint),
  },
  { ...Strict, title: JOB_TITLES['image.generate'] },
);

export const StylizeInput = Type.Object(
  {
    mediaId: MediaId,
    prompt: Prompt,
    strength: Type.Number({ minimum: 0.05, maximum: 1, default: 0.6, description: 'how far from the original' }),
    steps: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
    seed: Type.Optional(Seed),
    checkpoint: Type.Optional(Checkpoint),
  },
  { ...Strict, title: JOB_TITLES['image.stylize'] },
);

export const VideoInput = Type.Object(
  {
    prompt: Prompt,
    frames: Type.Integer({ minimum: 8, maximum: 64, default: 16 }),
    fps: Type.Integer({ minimum: 4, maximum: 30, default: 8 }),
    format: Type.Union([Type.Literal('mp4'), Type.Literal('webp'), Type.Literal('gif')], { default: 'webp' }),
    seed: Type.Optional(Seed),
  },
  { ...Strict, title: JOB_TITLES['video.generate'] },
);

const Name = SafeName({ maxLength: 60 });

export const DialogueInput = Type.Object(
  {
    characters: Type.Array(Type.Object({ name: Name, description: Type.String({ maxLength: 500 }) }, Strict), { minItems: 1, maxItems: 6 }),
    panels: Type.Array(Type.Object({ description: Type.String({ minLength: 1, maxLength: 1000 }), characters: Type.Array(Name, { maxItems: 6 }) }, Strict), {
      minItems: 1,
      maxItems: 12,
    }),
    tone: Type.Optional(Type.String({ maxLength: 200, description: 'e.g. "funny, for a 7-year-old"' })),
  },
  { ...Strict, title: JOB_TITLES['text.dialogue'] },
);

export const DialogueLine = Type.Object({ speaker: Name, text: Type.String({ minLength: 1, maxLength: 300 }) }, Strict);

/** What a `text.dialogue` job returns; the LLM is asked for exactly this shape. */
export const DialogueResult = Type.Object(
  {
    panels: Type.Array(Type.Object({ index: Type.Integer({ minimum: 0, maximum: 11 }), lines: Type.Array(DialogueLine, { maxItems: 8 }) }, Strict), {
      minItems: 1,
      maxItems: 12,
    }),
    /** The model that wrote it (set by the agent, not by the model), shown with the result. */
    writtenBy: Type.Optional(Type.String({ maxLength: 200 })),
  },
  Strict,
);
export type DialogueResult = Static<typeof DialogueResult>;

export const ComicInput = Type.Object(
  {
    title: Type.Optional(SafeName({ maxLength: 120 })),
    panels: Type.Array(Type.Object({ mediaId: MediaId, lines: Type.Array(DialogueLine, { maxItems: 8 }) }, Strict), { minItems: 1, maxItems: 12 }),
    pdf: Type.Boolean({ default: false, description: 'also produce a PDF' }),
  },
  { ...Strict, title: JOB_TITLES['comic.compose'] },
);

export const StoryLanguage = Type.Union([Type.Literal('en'), Type.Literal('pl')], { description: 'language of the narration' });
/** Who the story is for; the appliance sets it from the requester's role, never the request body. */
export const StoryAudience = Type.Union([Type.Literal('child'), Type.Literal('family')]);

export const StoryInput = Type.Object(
  {
    premise: Type.String({ minLength: 1, maxLength: 1000, description: 'e.g. "a dragon who is afraid of the dark"' }),
    characters: Type.Array(Type.Object({ name: Name, description: Type.String({ maxLength: 500 }) }, Strict), { maxItems: 6 }),
    scenes: Type.Integer({ minimum: 3, maximum: 8, default: 4 }),
    language: StoryLanguage,
    audience: StoryAudience,
  },
  { ...Strict, title: JOB_TITLES['text.story'] },
);

export const StoryScene = Type.Object(
  {
    narration: Type.String({ minLength: 1, maxLength: 600, description: 'read aloud, shown as the subtitle' }),
    picturePrompt: Type.String({ minLength: 1, maxLength: 1000, description: 'what the picture shows' }),
  },
  Strict,
);

/** What a `text.story` job returns (and what the family may edit before pictures are drawn). */
export const StoryResult = Type.Object(
  {
    title: SafeName({ maxLength: 120 }),
    scenes: Type.Array(StoryScene, { minItems: 3, maxItems: 8 }),
    /** The model that wrote it (set by the agent, not by the model). */
    writtenBy: Type.Optional(Type.String({ maxLength: 200 })),
  },
  Strict,
);
export type StoryResult = Static<typeof StoryResult>;

/** A voice an agent offers: `<engine>:<voice>`, e.g. `piper:en_US-joe-medium`, `espeak:pl`. */
export const VoiceId = Type.String({ pattern: '^[a-z0-9]{1,16}:[A-Za-z0-9_.+-]{1,64}$', description: "engine:voice, from the agent's voice list" });

/** One voice in an agent's announcement: what the portal offers for `audio.speak`. */
export const AgentVoice = Type.Object({ id: VoiceId, language: StoryLanguage, label: SafeName({ maxLength: 80 }) }, Strict);
export type AgentVoice = Static<typeof AgentVoice>;

export const SpeakInput = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S', description: 'what to say' }),
    voice: VoiceId,
    language: StoryLanguage,
  },
  { ...Strict, title: JOB_TITLES['audio.speak'] },
);

export const ComposeInput = Type.Object(
  {
    scenes: Type.Array(
      Type.Object(
        {
          pictureId: MediaId,
          narrationId: MediaId,
          subtitle: Type.String({ maxLength: 600, description: 'shown while the narration plays' }),
        },
        Strict,
      ),
      { minItems: 1, maxItems: 12 },
    ),
    musicId: Type.Optional(MediaId),
    language: Type.Optional(StoryLanguage),
    burnSubtitles: Type.Boolean({ default: false, description: 'also draw the subtitles into the picture' }),
    // Multiples of 8 (H.264 needs even sizes): 1920×1080 has a height that is not a multiple of 16.
    width: Type.Integer({ minimum: 320, maximum: 1920, multipleOf: 8, default: 1280 }),
    height: Type.Integer({ minimum: 240, maximum: 1080, multipleOf: 8, default: 720 }),
  },
  { ...Strict, title: JOB_TITLES['video.compose'] },
);

/** Which kind of worker can run a job; one bee-queue per capability. */
/** `speech` and `video` are offered only by agents that have a speech engine / ffmpeg installed. */
export const CAPABILITIES = ['builtin', 'comfyui', 'llm', 'speech', 'video'] as const;
export type Capability = (typeof CAPABILITIES)[number];

interface JobTypeSpec<S extends TSchema> {
  input: S;
  capability: Capability;
  /** Attempts in total (1 = no retry) and the base of the exponential backoff. */
  attempts: number;
  backoffMs: number;
  /** The broker fails a job that runs longer than this. */
  timeoutMs: number;
}

const spec = <S extends TSchema>(s: JobTypeSpec<S>) => s;

export const JOB_TYPES = {
  'image.upscale': spec({ input: UpscaleInput, capability: 'builtin', attempts: 3, backoffMs: 2000, timeoutMs: 15 * 60_000 }),
  'image.moderate': spec({ input: ModerateInput, capability: 'builtin', attempts: 3, backoffMs: 1000, timeoutMs: 2 * 60_000 }),
  'gif.create': spec({ input: GifInput, capability: 'builtin', attempts: 2, backoffMs: 1000, timeoutMs: 5 * 60_000 }),
  'comic.compose': spec({ input: ComicInput, capability: 'builtin', attempts: 2, backoffMs: 1000, timeoutMs: 5 * 60_000 }),
  'comic.render': spec({ input: ComicRenderInput, capability: 'builtin', attempts: 2, backoffMs: 1000, timeoutMs: 5 * 60_000 }),
  'image.comic-look': spec({ input: ComicLookInput, capability: 'builtin', attempts: 2, backoffMs: 1000, timeoutMs: 2 * 60_000 }),
  'image.generate': spec({ input: GenerateInput, capability: 'comfyui', attempts: 2, backoffMs: 5000, timeoutMs: 20 * 60_000 }),
  'image.stylize': spec({ input: StylizeInput, capability: 'comfyui', attempts: 2, backoffMs: 5000, timeoutMs: 20 * 60_000 }),
  'video.generate': spec({ input: VideoInput, capability: 'comfyui', attempts: 2, backoffMs: 5000, timeoutMs: 60 * 60_000 }),
  'text.dialogue': spec({ input: DialogueInput, capability: 'llm', attempts: 2, backoffMs: 3000, timeoutMs: 10 * 60_000 }),
  'text.story': spec({ input: StoryInput, capability: 'llm', attempts: 2, backoffMs: 3000, timeoutMs: 10 * 60_000 }),
  'audio.speak': spec({ input: SpeakInput, capability: 'speech', attempts: 2, backoffMs: 2000, timeoutMs: 10 * 60_000 }),
  'video.compose': spec({ input: ComposeInput, capability: 'video', attempts: 2, backoffMs: 5000, timeoutMs: 30 * 60_000 }),
} as const;

export type JobType = keyof typeof JOB_TYPES;
export const JOB_TYPE_NAMES = Object.keys(JOB_TYPES) as JobType[];
export type JobInput<T extends JobType> = Static<(typeof JOB_TYPES)[T]['input']>;

export { JOB_STATUSES, FINAL_STATUSES, LIVE_STATUSES, isLiveStatus, type JobStatus } from './plain.js';

export const JobProgress = Type.Object(
  {
    fraction: Type.Number({ minimum: 0, maximum: 1 }),
    stage: Type.String({ maxLength: 80, description: 'e.g. "tile 3/12", "sampling"' }),
    message: Type.Optional(Type.String({ maxLength: 500 })),
    /** A small preview picture (base64), throttled by the runner. */
    preview: Type.Optional(
      Type.Object(
        {
          contentType: Type.Union([Type.Literal('image/jpeg'), Type.Literal('image/png'), Type.Literal('image/webp')]),
          data: Type.String({ maxLength: 350_000, contentEncoding: 'base64' }),
        },
        Strict,
      ),
    ),
  },
  Strict,
);
export type JobProgress = Static<typeof JobProgress>;

/** What travels through bee-queue: ids only; bytes go over HTTP. */
export const BrokerJobData = Type.Object(
  {
    jobId: Type.String({ minLength: 1, maxLength: 64 }),
    type: Type.Union(JOB_TYPE_NAMES.map((t) => Type.Literal(t))),
    input: Type.Unknown(),
    /** Attempt number of the first bee-queue try of this enqueue (see brokerAttempt); absent = 1. */
    firstAttempt: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  Strict,
);
export type BrokerJobData = Static<typeof BrokerJobData>;

/** What an agent hands back to bee-queue when a runner finishes. */
export const BrokerJobResult = Type.Object(
  {
    artifacts: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 64, description: 'artifact names uploaded this attempt' }),
    data: Type.Optional(Type.Unknown()),
  },
  Strict,
);
export type BrokerJobResult = Static<typeof BrokerJobResult>;

/** Redis key prefix and queue name of a capability's bee-queue. */
export const QUEUE_PREFIX = 'hearth';
export const queueName = (capability: Capability) => `jobs:${capability}`;
