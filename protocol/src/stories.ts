import { Type, type Static } from '@sinclair/typebox';
import { MediaId } from './media-id.js';
import { SafeName } from './names.js';
import { StoryAudience, StoryLanguage, StoryScene, VoiceId } from './jobs.js';
import { PipelineView } from './pipelines.js';

/**
 * A narrated story: the family's premise, a storyboard the LLM writes and the family approves
 * (and may edit), then a picture and a narration per scene and the film made of them.
 */

const Strict = { additionalProperties: false } as const;
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const STORY_LIMITS = { minScenes: 3, maxScenes: 8, characters: 6, photos: 12 } as const;

/** How the scenes are drawn: ComfyUI from the picture prompts, or the built-in comic look over photos. */
export const STORY_PICTURES = ['generate', 'photos'] as const;
export type StoryPictures = (typeof STORY_PICTURES)[number];

/** Where the story's film is seen: the owner's gallery, the family's, or also the wall display. */
export const STORY_PRIVACY = ['private', 'family', 'kiosk'] as const;
export type StoryPrivacy = (typeof STORY_PRIVACY)[number];

/** Where a story is: the LLM writes, the family reviews the storyboard, the PC makes the film. */
export const STORY_STAGES = ['writing', 'storyboard', 'making', 'done', 'failed', 'cancelled'] as const;
export type StoryStage = (typeof STORY_STAGES)[number];

export const StoryCharacter = Type.Object(
  {
    name: SafeName({ maxLength: 60 }),
    description: Type.String({ maxLength: 500 }),
    /** A photo of them (from a comic's character): the built-in look draws scenes from it. */
    refMediaId: Type.Optional(Type.Union([MediaId, Type.Null()])),
  },
  Strict,
);
export type StoryCharacter = Static<typeof StoryCharacter>;

export const StoryCreate = Type.Object(
  {
    premise: Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S', description: 'e.g. "a dragon who is afraid of the dark"' }),
    characters: Type.Array(StoryCharacter, { maxItems: STORY_LIMITS.characters, default: [] }),
    scenes: Type.Integer({ minimum: STORY_LIMITS.minScenes, maximum: STORY_LIMITS.maxScenes, default: 4 }),
    voice: VoiceId,
    language: StoryLanguage,
    pictures: literals(STORY_PICTURES),
    /** Photos the comic look is given, in turn (the characters' photos when none are chosen). */
    photoIds: Type.Array(MediaId, { maxItems: STORY_LIMITS.photos, default: [] }),
  },
  Strict,
);
export type StoryCreate = Static<typeof StoryCreate>;

export const StorySceneView = Type.Object(
  {
    narration: Type.String(),
    picturePrompt: Type.String(),
    pictureId: Type.Union([Type.String(), Type.Null()]),
    narrationId: Type.Union([Type.String(), Type.Null()]),
    /** How often this scene's picture was drawn again. */
    redraws: Type.Integer({ minimum: 0 }),
  },
  Strict,
);
export type StorySceneView = Static<typeof StorySceneView>;

export const StoryView = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    premise: Type.String(),
    characters: Type.Array(StoryCharacter),
    sceneCount: Type.Integer(),
    voice: Type.String(),
    language: StoryLanguage,
    audience: StoryAudience,
    pictures: literals(STORY_PICTURES),
    privacy: literals(STORY_PRIVACY),
    stage: literals(STORY_STAGES),
    /** Empty until the storyboard is written. */
    scenes: Type.Array(StorySceneView),
    videoId: Type.Union([Type.String(), Type.Null()]),
    pipeline: PipelineView,
    ownerId: Type.Integer(),
    createdAt: Type.Number(),
  },
  Strict,
);
export type StoryView = Static<typeof StoryView>;

export const StorySummary = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    stage: literals(STORY_STAGES),
    videoId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
  },
  Strict,
);
export type StorySummary = Static<typeof StorySummary>;

/** The storyboard as the family edits it before approving: same number of scenes, new words. */
export const StoryboardSave = Type.Object(
  { title: SafeName({ maxLength: 120 }), scenes: Type.Array(StoryScene, { minItems: STORY_LIMITS.minScenes, maxItems: STORY_LIMITS.maxScenes }) },
  Strict,
);
export type StoryboardSave = Static<typeof StoryboardSave>;

export const StoryRedraw = Type.Object({ picturePrompt: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' })) }, Strict);
export type StoryRedraw = Static<typeof StoryRedraw>;
