/**
 * LLM runner: `text.dialogue` through Ollama or an OpenAI-compatible server. The answer is
 * streamed (progress from its length against an estimate), then checked; an answer that fails
 * the checks is sent back once with the problems listed, and a second failure is a clear error.
 */
import type { Capability, JobProgress, JobType } from '@hearth/protocol';
import { JobError, type RunContext, type Runner, type RunnerJob, type RunResult } from '../runner.js';
import { asJobError } from '../../backends/http.js';
import type { LlmSettings } from '../../backends/settings.js';
import type { ChatBackend } from './backend.js';
import { checkDialogue, checkDialogueInput, correctionMessages, dialogueMessages, dialogueSchema, type DialogueInput } from './dialogue.js';
import { OllamaChat } from './ollama.js';
import { OpenAiChat } from './openai.js';

export function chatBackend(settings: LlmSettings): ChatBackend {
  return settings.kind === 'ollama' ? new OllamaChat(settings) : new OpenAiChat(settings);
}

/** Rough size of a good answer in characters: a few short lines per panel plus the JSON around them. */
function expectedChars(input: DialogueInput): number {
  return 40 + input.panels.length * (40 + Math.max(1, input.panels[0]?.characters.length ?? 1) * 2 * 80);
}

export class LlmRunner implements Runner {
  readonly capability: Capability = 'llm';
  readonly types: readonly JobType[] = ['text.dialogue'];

  constructor(private readonly backend: ChatBackend, private readonly progressIntervalMs = 250) {}

  canRun(job: RunnerJob): boolean {
    return job.type === 'text.dialogue';
  }

  healthy(signal?: AbortSignal): Promise<boolean> {
    return this.backend.healthy(signal);
  }

  freeMemory(): Promise<void> {
    return this.backend.freeMemory();
  }

  async run(job: RunnerJob, ctx: RunContext): Promise<RunResult> {
    if (!this.canRun(job)) throw new JobError(`the LLM runner cannot run ${job.type} jobs`);
    let input: DialogueInput;
    try {
      input = checkDialogueInput(job.input);
    } catch (err) {
      throw new JobError((err as Error).message);
    }
    const report = monotonic(ctx.progress, this.progressIntervalMs);
    const schema = dialogueSchema();
    const first = dialogueMessages(input);
    const expected = expectedChars(input);
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
          signal: ctx.signal,
          onText: (delta) => {
            chars += delta.length;
            report({ fraction: from + (to - from) * Math.min(1, chars / expected), stage });
          },
        });
      } catch (err) {
        throw asJobError(err, this.backend.name, ctx.signal);
      }
      const checked = checkDialogue(answer.text, input);
      if (checked.ok) {
        report({ fraction: 1, stage: 'done' }, true);
        return { artifacts: [], data: checked.value };
      }
      problems = answer.truncated ? ['the answer was cut off (it hit the token limit)', ...checked.problems] : checked.problems;
      messages = correctionMessages(first, answer.text, problems);
    }
    throw new JobError(`the model's dialogue did not fit the comic after a retry: ${problems.join('; ')}`.slice(0, 1000));
  }
}

/** Progress that never goes back and is sent at most every `intervalMs` (stage changes always go out). */
function monotonic(emit: (p: JobProgress) => void, intervalMs: number) {
  let last: JobProgress = { fraction: 0, stage: '' };
  let at = 0;
  return (p: JobProgress, force = false) => {
    const next = { fraction: Math.max(last.fraction, Math.min(1, p.fraction)), stage: p.stage };
    const now = Date.now();
    if (!force && next.stage === last.stage && (next.fraction === last.fraction || now - at < intervalMs)) return;
    last = next;
    at = now;
    emit(next);
  };
}
