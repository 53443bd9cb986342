/**
 * Comic dialogue: the prompt we send, the JSON schema we ask for, and the checks an answer must
 * pass (the schema, then: one entry per input panel with its index, speakers are known characters).
 */
import { Value } from '@sinclair/typebox/value';
import { DialogueInput, DialogueResult, type JobInput } from '@hearth/protocol';

export type DialogueInput = JobInput<'text.dialogue'>;
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** DialogueResult as plain JSON Schema (TypeBox's symbols dropped). */
export function dialogueSchema(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(DialogueResult)) as Record<string, unknown>;
}

/**
 * OpenAI strict structured outputs accept a subset of JSON Schema; drop string length bounds
 * (our own check below enforces them) and make sure every object lists all its properties as required.
 */
export function strictSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'minLength' || k === 'maxLength') continue;
    out[k] = strictSchema(v);
  }
  if (out.type === 'object' && out.properties && typeof out.properties === 'object') {
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  return out;
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
        'spelled exactly as given. Keep each line short (under 120 characters) and kind; no swearing, nothing scary for children.',
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

export type Checked = { ok: true; value: DialogueResult } | { ok: false; problems: string[] };

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
function stripFences(text: string): string {
  const m = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return m ? m[1]! : text;
}

export function checkDialogueInput(input: unknown): DialogueInput {
  const value = Value.Default(DialogueInput, structuredClone(input));
  const first = Value.Errors(DialogueInput, value).First();
  if (first) throw new Error(`text.dialogue input ${first.path || '/'}: ${first.message}`);
  return value as DialogueInput;
}
