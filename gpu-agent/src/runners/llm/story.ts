/**
 * Narrated stories: the prompt we send for `text.story`, the JSON schema we ask for, and the
 * checks an answer must pass (StoryResult, exactly the asked number of scenes, one-line text).
 */
import { Value } from '@sinclair/typebox/value';
import { StoryResult, UNSAFE_NAME_CHARS, type JobInput } from '@hearth/protocol';
import { stripFences, type ChatMessage, type Checked } from './dialogue.js';

export type StoryInput = JobInput<'text.story'>;

/** Longest narration and picture prompt we ask for: a scene is read in ~15 s and drawn from a line or two. */
export const NARRATION_CHARS = 300;
export const PROMPT_CHARS = 200;
export const TITLE_CHARS = 80;

/** The schema for constrained decoding: the exact number of scenes, bounded strings. */
export function storySchemaFor(input: StoryInput): Record<string, unknown> {
  const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
  return {
    type: 'object',
    additionalProperties: false,
    required: ['title', 'scenes'],
    properties: {
      title: text(TITLE_CHARS),
      scenes: {
        type: 'array',
        minItems: input.scenes,
        maxItems: input.scenes,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['narration', 'picturePrompt'],
          properties: { narration: text(NARRATION_CHARS), picturePrompt: text(PROMPT_CHARS) },
        },
      },
    },
  };
}

/** Every string at its longest (~3 characters a token, plus the JSON around it), and some slack. */
export function storyTokenBudget(input: StoryInput): number {
  return 48 + Math.ceil(TITLE_CHARS / 3) + input.scenes * (24 + Math.ceil((NARRATION_CHARS + PROMPT_CHARS) / 3));
}

const LANGUAGE_NAMES = { en: 'English', pl: 'Polish' } as const;

const AUDIENCE = {
  child:
    'The listener is a young child (about 4 to 8 years old): simple words, short sentences, gentle and kind; ' +
    'no violence, no danger that is not resolved kindly, nothing frightening; a warm, happy ending.',
  family: 'The story is for the whole family, children included: warm and kind, nothing unsuitable for children; a satisfying ending.',
} as const;

export function storyMessages(input: StoryInput): ChatMessage[] {
  const language = LANGUAGE_NAMES[input.language];
  const cast = input.characters.length
    ? `Characters:\n${input.characters.map((c) => `- ${c.name}: ${c.description || '(no description)'}`).join('\n')}`
    : 'Invent the characters the story needs.';
  return [
    {
      role: 'system',
      content:
        'You write short narrated picture-book stories. Answer with JSON only, matching the given schema: ' +
        '{"title":<title>,"scenes":[{"narration":<what the narrator reads>,"picturePrompt":<what the picture shows>}]}. ' +
        `Write exactly ${input.scenes} scenes that tell one story from beginning to end. ` +
        `Write the title and every narration in ${language}; each narration is one to three sentences (under ${NARRATION_CHARS} characters). ` +
        `Write every picturePrompt in English (picture models understand English): who is in the picture, where, and what they do (under ${PROMPT_CHARS} characters). ` +
        AUDIENCE[input.audience],
    },
    { role: 'user', content: `Story idea: ${input.premise}\n\n${cast}\n\nScenes: ${input.scenes}` },
  ];
}

/** One line each: a title or narration with a line break or control character would break subtitles and names. */
const UNSAFE = new RegExp(`[${UNSAFE_NAME_CHARS}]+`, 'g');
const oneLine = (s: string) => s.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();

/** Parse and check an answer; problems are phrased for the model (fed back on retry) and for people. */
export function checkStory(answer: string, input: StoryInput): Checked<StoryResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFences(answer));
  } catch (err) {
    return { ok: false, problems: [`the answer is not JSON (${(err as Error).message})`] };
  }
  if (parsed && typeof parsed === 'object') {
    const p = parsed as { title?: unknown; scenes?: unknown };
    if (typeof p.title === 'string') p.title = oneLine(p.title);
    if (Array.isArray(p.scenes)) {
      for (const s of p.scenes as Array<Record<string, unknown>>) {
        if (s && typeof s.narration === 'string') s.narration = oneLine(s.narration);
        if (s && typeof s.picturePrompt === 'string') s.picturePrompt = oneLine(s.picturePrompt);
      }
    }
  }
  const problems = [...Value.Errors(StoryResult, parsed)].slice(0, 6).map((e) => `${e.path || '/'}: ${e.message}`);
  if (problems.length) return { ok: false, problems };
  const story = parsed as StoryResult;
  delete story.writtenBy; // ours to set, never the model's
  if (story.scenes.length !== input.scenes) return { ok: false, problems: [`write exactly ${input.scenes} scenes (got ${story.scenes.length})`] };
  return { ok: true, value: story };
}
