import type { Capability } from '@hearth/protocol';
import { JobError, type RunContext, type Runner, type RunnerJob, type RunResult } from '../runner.js';
import type { SpeechEngine, Voice } from './engine.js';
import { wavInfo } from './wav.js';

/** `audio.speak`: text to a WAV with the voice the family chose, from whichever engine has it. */
export class SpeakRunner implements Runner<'audio.speak'> {
  readonly capability: Capability = 'speech';
  readonly jobTypes = ['audio.speak'] as const;

  constructor(private readonly engines: readonly SpeechEngine[]) {}

  /** Every voice this agent offers, across engines. */
  async voices(): Promise<Voice[]> {
    return (await Promise.all(this.engines.map((e) => e.voices()))).flat();
  }

  async run(job: RunnerJob<'audio.speak'>, ctx: RunContext): Promise<RunResult> {
    const { input } = job;
    const engineName = input.voice.split(':')[0];
    const engine = this.engines.find((e) => e.name === engineName);
    const voice = (await engine?.voices())?.find((v) => v.id === input.voice);
    if (!engine || !voice) throw new JobError(`voice ${input.voice} is not installed on this agent`);
    if (voice.language !== input.language) throw new JobError(`voice ${input.voice} does not speak "${input.language}"`);
    ctx.progress({ fraction: 0.05, stage: 'speaking' });
    let wav: Buffer;
    try {
      wav = await engine.synthesize(input.text, voice, ctx.signal);
    } catch (err) {
      // Engines that know better (a server's refusal is not worth retrying) throw JobErrors.
      if (ctx.signal.aborted || err instanceof JobError) throw err;
      throw new JobError(`${engine.name} could not speak the text: ${(err as Error).message}`, true);
    }
    let seconds: number;
    try {
      seconds = wavInfo(wav).seconds;
    } catch (err) {
      throw new JobError(`${engine.name} wrote no usable audio: ${(err as Error).message}`, true);
    }
    ctx.progress({ fraction: 0.95, stage: 'uploading' });
    await ctx.upload({ name: 'speech.wav', contentType: 'audio/wav', bytes: wav });
    ctx.progress({ fraction: 1, stage: 'done' });
    return { artifacts: ['speech.wav'], data: { voice: voice.id, seconds } };
  }
}
