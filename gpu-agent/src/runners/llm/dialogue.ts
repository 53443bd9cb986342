/**
 * Comic dialogue: the prompt we send, the JSON schema we ask for, and the checks an answer must
 * pass (the schema, then: one entry per input panel with its index, speakers are known characters).
 */
import { Value } from '@sinclair/typebox/value';
import { DialogueResult, type JobInput } from '@hearth/protocol';

export type DialogueInput = JobInput<'text.dialogue'>;
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Lines per panel and characters per line we ask for: short bubbles, and a bounded answer. */
export const LINES_PER_PANEL = 3;
export const LINE_CHARS = 120;

/**
 * The JSON Schema an answer to this input must follow, exact enough for constrained decoding
 * (llama.cpp grammars, Ollama `format`, OpenAI structured outputs) to rule out what a small model
 * gets wrong: one entry per panel with its own index, in order (`prefixItems` + `const`),
 * speakers only from the panel's cast (`enum`), short lines. A valid answer also passes
 * DialogueResult, which `checkDialogue` still checks.
 */
export function dialogueSchemaFor(input: DialogueInput): Record<string, unknown> {
  const cast = input.characters.map((c) => c.name);
  const panel = (p: DialogueInput['panels'][number], index: number) => {
    const inPanel = cast.filter((name) => p.characters.some((c) => c.trim().toLowerCase() === name.trim().toLowerCase()));
    return {
      type: 'object',
      additionalProperties: false,
      required: ['index', 'lines'],
      properties: {
        index: { const: index },
        lines: {
          type: 'array',
          minItems: 1,
          maxItems: LINES_PER_PANEL,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['speaker', 'text'],
            properties: {
              speaker: { enum: inPanel.length ? inPanel : cast },
              text: { type: 'string', minLength: 1, maxLength: LINE_CHARS },
            },
          },
        },
      },
    };
  };
  const n = input.panels.length;
  return {
    type: 'object',
    additionalProperties: false,
    required: ['panels'],
    properties: { panels: { type: 'array', minItems: n, maxItems: n, prefixItems: input.panels.map(panel) } },
  };
}

/**
 * Tokens an answer may take: every line at its longest (~4 characters a token, plus the JSON
 * around it) and some slack. Enough for any answer the schema allows, so a model that follows
 * it is never cut off, and a model that rambles is stopped early.
 */
export function dialogueTokenBudget(input: DialogueInput): number {
  const perLine = Math.ceil(LINE_CHARS / 3) + 16;
  return 32 + input.panels.length * (12 + LINES_PER_PANEL * perLine);
}

/** The schema spelled out for servers that cannot constrain their output: it goes into the prompt. */
export function schemaInstruction(schema: Record<string, unknown>): string {
  return `Your answer must be one JSON object that follows this JSON Schema exactly:\n${JSON.stringify(schema)}`;
}

export function dialogueMessages(input: DialogueInput): ChatMessage[] {
  const cast = input.characters.map((c) => `- ${c.name}: ${c.description || '(no description)'}`).join('\n');
  const panels = input.panels
    .map((p, i) => `Panel ${i}: ${p.description}${p.characters.length ? ` (in the panel: ${p.characters.join(', ')})` : ''}`)
    .join('\n');
  return [
    {
      role: 'system',
      content:
        'You write speech bubbles for a family comic. Answer with JSON only, matching the given schema: ' +
        '{"panels":[{"index":<panel number>,"lines":[{"speaker":<character name>,"text":<what they say>}]}]}. ' +
        'Write one entry per panel, in order, with the panel numbers given. Speakers must be characters from the cast, ' +
        `spelled exactly as given. Keep each line short (under ${LINE_CHARS} characters) and kind; no swearing, nothing scary for children.`,
    },
    {
      role: 'user',
      content: `Cast:\n${cast}\n\nPanels:\n${panels}\n\nTone: ${input.tone ?? 'warm and funny, for the whole family'}`,
    },
  ];
}

/** The retry: show the model its answer and what was wrong with it. */
export function correctionMessages(first: ChatMessage[], answer: string, problems: string[]): ChatMessage[] {
  return [
    ...first,
    { role: 'assistant', content: answer.slice(0, 8000) },
    { role: 'user', content: `That answer is not valid:\n- ${problems.join('\n- ')}\nReply again with only the corrected JSON.` },
  ];
}

export type Checked<T = DialogueResult> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Parse and check an answer. Problems are phrased for the model (they are fed back on retry) and for people. */
export function checkDialogue(answer: string, input: DialogueInput): Checked {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFences(answer));
  } catch (err) {
    return { ok: false, problems: [`the answer is not JSON (${(err as Error).message})`] };
  }
  const schemaProblems = [...Value.Errors(DialogueResult, parsed)].slice(0, 6).map((e) => `${e.path || '/'}: ${e.message}`);
  if (schemaProblems.length) return { ok: false, problems: schemaProblems };
  const result = structuredClone(parsed as DialogueResult);
  delete result.writtenBy; // ours to set, never the model's
  const problems: string[] = [];

  const want = input.panels.length;
  const indexes = result.panels.map((p) => p.index);
  if (result.panels.length !== want || indexes.some((idx, i) => idx !== i)) {
    problems.push(`panels must be exactly indexes 0 to ${want - 1} in order (got ${JSON.stringify(indexes)})`);
  }
  const known = new Map(input.characters.map((c) => [c.name.trim().toLowerCase(), c.name]));
  for (const panel of result.panels) {
    for (const line of panel.lines) {
      const name = known.get(line.speaker.trim().toLowerCase());
      if (name) line.speaker = name;
      else problems.push(`panel ${panel.index}: "${line.speaker}" is not in the cast (${[...known.values()].join(', ')})`);
    }
  }
  return problems.length ? { ok: false, problems: problems.slice(0, 8) } : { ok: true, value: result };
}

/** Some servers wrap JSON in a markdown fence even when asked not to. */
export function stripFences(text: string): string {
  const m = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return m ? m[1]! : text;
}
