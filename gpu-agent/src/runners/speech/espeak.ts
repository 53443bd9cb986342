import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpeechEngine, Voice } from './engine.js';
import { scratchDir } from '../scratch.js';
import { programWorks, runProgram } from './process.js';

/** espeak-ng (Debian package): robotic but always there, in both languages. */
export class EspeakEngine implements SpeechEngine {
  readonly name = 'espeak';
  private available: Promise<boolean> | undefined;

  constructor(private readonly command = 'espeak-ng') {}

  async voices(): Promise<Voice[]> {
    this.available ??= programWorks(this.command, ['--version']);
    if (!(await this.available)) return [];
    return [
      { id: 'espeak:en', language: 'en', label: 'espeak-ng English' },
      { id: 'espeak:pl', language: 'pl', label: 'espeak-ng polski' },
    ];
  }

  async synthesize(text: string, voice: Voice, signal: AbortSignal): Promise<Buffer> {
    const dir = await scratchDir('espeak');
    try {
      const out = join(dir, 'speech.wav');
      // Text on stdin, so text starting with "-" is never read as an option.
      await runProgram(this.command, ['-v', voice.language, '-s', '150', '-w', out, '--stdin'], { stdin: text, signal });
      return await readFile(out);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
