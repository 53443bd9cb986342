/**
 * LLM runner: `text.dialogue` and `text.story` through Ollama, an OpenAI-compatible server or the
 * built-in llama.cpp. The model is held to a schema made for this input (constrained decoding where the
 * backend can) and a token budget; the answer is streamed (progress in tokens against the
 * budget), then checked; an answer that fails the checks is sent back once with the problems
 * listed, and a second failure is a clear error. The result names the model that wrote it.
 */
import type { Capability, JobProgress } from '@hearth/protocol';
import { JobError, type RunContext, type Runner, type RunnerJob, type RunResult } from '../runner.js';
import { asJobError } from '../../backends/http.js';
import type { LlmSettings } from '../../backends/settings.js';
import type { ChatBackend } from './backend.js';
import { checkDialogue, correctionMessages, dialogueMessages, dialogueSchemaFor, dialogueTokenBudget, type ChatMessage, type Checked } from './dialogue.js';
import { checkStory, storyMessages, storySchemaFor, storyTokenBudget } from './story.js';
import { BuiltinChat } from './builtin/builtin-chat.js';
import { OllamaChat } from './ollama.js';
import { OpenAiChat } from './openai.js';

export function chatBackend(settings: LlmSettings): ChatBackend {
  if (settings.kind === 'builtin') return new BuiltinChat(settings);
  return settings.kind === 'ollama' ? new OllamaChat(settings) : new OpenAiChat(settings);
}

type LlmJobType = 'text.dialogue' | 'text.story';

export class LlmRunner implements Runner<LlmJobType> {
  readonly capability: Capability = 'llm';
  readonly jobTypes = ['text.dialogue', 'text.story'] as const;

  constructor(
    private readonly backend: ChatBackend,
    private readonly progressIntervalMs = 250,
  ) {}

  healthy(signal?: AbortSignal): Promise<boolean> {
    return this.backend.healthy(signal);
  }

  freeMemory(): Promise<void> {
    return this.backend.freeMemory();
  }

  async close(): Promise<void> {
    await this.backend.close?.();
  }

  async run(job: RunnerJob<LlmJobType>, ctx: RunContext): Promise<RunResult> {
    const task = writingTask(job);
    const report = monotonic(ctx.progress, this.progressIntervalMs);
    const { schema, first, budget } = task;
    // Without token counts, about 4 characters a token.
    const expected = budget * 4;
    let messages = first;
    let problems: string[] = [];

    for (let attempt = 1; attempt <= 2; attempt++) {
      const stage = attempt === 1 ? 'writing' : 'rewriting';
      const [from, to] = attempt === 1 ? [0.05, 0.85] : [0.5, 0.95];
      report({ fraction: from, stage });
      let chars = 0;
      let answer;
      try {
        answer = await this.backend.chat({
          messages,
          schema,
          schemaName: task.schemaName,
          maxTokens: budget,
          signal: ctx.signal,
          onText: (delta, tokens) => {
            chars += delta.length;
            const done = tokens === undefined ? chars / expected : tokens / budget;
            report({ fraction: from + (to - from) * Math.min(1, done), stage, ...(tokens !== undefined && { message: `${tokens} tokens` }) });
          },
        });
      } catch (err) {
        throw asJobError(err, this.backend.name, ctx.signal);
      }
      const checked = task.check(answer.text);
      if (checked.ok) {
        report({ fraction: 1, stage: 'done' }, true);
        return { artifacts: [], data: answer.model ? { ...checked.value, writtenBy: answer.model } : checked.value };
      }
      problems = answer.truncated ? ['the answer was cut off (it hit the token limit)', ...checked.problems] : checked.problems;
      messages = correctionMessages(first, answer.text, problems);
    }
    throw new JobError(`${task.failure} after a retry: ${problems.join('; ')}`.slice(0, 1000));
  }
}

/** What one kind of writing asks of the model and how its answer is checked. */
interface WritingTask {
  schema: Record<string, unknown>;
  schemaName: string;
  first: ChatMessage[];
  budget: number;
  check(answer: string): Checked<object>;
  /** The message when even the retry's answer does not pass. */
  failure: string;
}

function writingTask(job: RunnerJob<LlmJobType>): WritingTask {
  if (job.type === 'text.story') {
    const { input } = job;
    return {
      schema: storySchemaFor(input),
      schemaName: 'story',
      first: storyMessages(input),
      budget: storyTokenBudget(input),
      check: (answer) => checkStory(answer, input),
      failure: "the model's story did not follow the asked form",
    };
  }
  const { input } = job;
  return {
    schema: dialogueSchemaFor(input),
    schemaName: 'comic_dialogue',
    first: dialogueMessages(input),
    budget: dialogueTokenBudget(input),
    check: (answer) => checkDialogue(answer, input),
    failure: "the model's dialogue did not fit the comic",
  };
}

/** Progress that never goes back and is sent at most every `intervalMs` (stage changes always go out). */
function monotonic(emit: (p: JobProgress) => void, intervalMs: number) {
  let last: JobProgress = { fraction: 0, stage: '' };
  let at = 0;
  return (p: JobProgress, force = false) => {
    const next: JobProgress = {
      fraction: Math.max(last.fraction, Math.min(1, p.fraction)),
      stage: p.stage,
      ...(p.message !== undefined && { message: p.message }),
    };
    const now = Date.now();
    if (!force && next.stage === last.stage && (next.fraction === last.fraction || now - at < intervalMs)) return;
    last = next;
    at = now;
    emit(next);
  };
}
