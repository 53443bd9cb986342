import { access, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SpeechEngine, SpeechLanguage, Voice } from './engine.js';
import { scratchDir } from '../scratch.js';
import { programWorks, runProgram } from './process.js';

export interface PiperSettings {
  /** The `piper` command of the piper-tts Python package (e.g. a venv's bin/piper). */
  command: string;
  /** `.onnx` voice files, each with its `.onnx.json` next to it. */
  voices: string[];
}

/** Piper: local neural speech, one `.onnx` model per voice. */
export class PiperEngine implements SpeechEngine {
  readonly name = 'piper';
  private listed: Promise<Array<Voice & { model: string }>> | undefined;

  constructor(private readonly settings: PiperSettings) {}

  voices(): Promise<Voice[]> {
    this.listed ??= this.list();
    return this.listed;
  }

  private async list(): Promise<Array<Voice & { model: string }>> {
    if (!(await programWorks(this.settings.command, ['--help']))) return [];
    const found: Array<Voice & { model: string }> = [];
    for (const model of this.settings.voices) {
      try {
        await access(model);
        const config = JSON.parse(await readFile(`${model}.json`, 'utf8')) as { language?: { code?: string } };
        const language = languageOf(config.language?.code);
        if (!language) continue;
        const name = basename(model, '.onnx');
        found.push({ id: `piper:${name}`, language, label: `Piper ${name}`, model });
      } catch {
        // A missing or unreadable voice is simply not offered.
      }
    }
    return found;
  }

  async synthesize(text: string, voice: Voice, signal: AbortSignal): Promise<Buffer> {
    const model = (await this.voices()).find((v) => v.id === voice.id) as (Voice & { model: string }) | undefined;
    if (!model) throw new Error(`Piper has no voice ${voice.id}`);
    const dir = await scratchDir('piper');
    try {
      const out = join(dir, 'speech.wav');
      await runProgram(this.settings.command, ['-m', model.model, '-f', out], { stdin: text, signal });
      return await readFile(out);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function languageOf(code: string | undefined): SpeechLanguage | undefined {
  const lang = code?.slice(0, 2).toLowerCase();
  return lang === 'en' || lang === 'pl' ? lang : undefined;
}
