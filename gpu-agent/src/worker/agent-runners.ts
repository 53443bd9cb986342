import { readFile } from 'node:fs/promises';
import { BackendWatcher, type HealthCheck } from '../backends/watcher.js';
import { parseBackendSettings, type BackendSettings } from '../backends/settings.js';
import { ComicRunner } from '../runners/builtin/comic/comic-runner.js';
import { ComicRenderRunner } from '../runners/builtin/comic/comic-render-runner.js';
import { ComicLookRunner } from '../runners/builtin/comic-look/comic-look-runner.js';
import { GifRunner } from '../runners/builtin/gif/gif-runner.js';
import { ImagePipelines } from '../runners/builtin/image/image-pipelines.js';
import { ModerateRunner } from '../runners/builtin/moderate/moderate-runner.js';
import { NsfwModerator } from '../runners/builtin/moderate/nsfw-moderator.js';
import { TfjsRuntime } from '../runners/builtin/tfjs/runtime.js';
import { EsrganModels } from '../runners/builtin/upscale/esrgan-models.js';
import { UpscaleRunner } from '../runners/builtin/upscale/upscale-runner.js';
import { comfyRunner, llmRunner } from '../backends/manager.js';
import type { Runner } from '../runners/runner.js';
import { sweepScratch } from '../runners/scratch.js';
import type { Voice } from '../runners/speech/engine.js';
import { EspeakEngine } from '../runners/speech/espeak.js';
import { OpenAiSpeechEngine } from '../runners/speech/openai.js';
import { PiperEngine } from '../runners/speech/piper.js';
import { SpeakRunner } from '../runners/speech/speak-runner.js';
import { ComposeRunner, hasFfmpeg } from '../runners/video/compose-runner.js';
import { RunnerRegistry } from './runner-registry.js';

export interface AgentRunners {
  registry: RunnerRegistry;
  /** Which server backends answer (none configured: it watches nothing until the admin sets one). */
  watcher: BackendWatcher;
  /** The classifier shared by `image.moderate` jobs and the check of every image artifact. */
  moderator: NsfwModerator;
}

/**
 * Every runner this agent has: the built-in ones always (CPU, one TensorFlow.js WASM runtime and
 * one image process for all of them, both unloaded after `modelIdleUnloadMs` without work), ComfyUI
 * and the LLM when their backends are configured (BackendManager swaps those two when the admin
 * changes them).
 */
export function createAgentRunners(
  backends: BackendSettings = {},
  { modelIdleUnloadMs = 0, media = [], importedWorkflowsDir }: { modelIdleUnloadMs?: number; media?: Runner[]; importedWorkflowsDir?: string } = {},
): AgentRunners {
  const runtime = new TfjsRuntime('wasm', { idleUnloadMs: modelIdleUnloadMs });
  const images = new ImagePipelines({ idleUnloadMs: modelIdleUnloadMs });
  const moderator = new NsfwModerator(runtime, images);
  const runners: Runner[] = [
    new UpscaleRunner({ models: new EsrganModels(runtime), images }),
    new ModerateRunner(moderator),
    new GifRunner(),
    new ComicRunner(),
    new ComicRenderRunner(),
    new ComicLookRunner(),
    ...media,
  ];
  const checks: Partial<Record<'comfyui' | 'llm', HealthCheck>> = {};
  if (backends.comfyui) {
    const comfy = comfyRunner(backends.comfyui, importedWorkflowsDir);
    runners.push(comfy);
    checks.comfyui = (signal) => comfy.healthy(signal);
  }
  if (backends.llm) {
    const llm = llmRunner(backends.llm, modelIdleUnloadMs);
    runners.push(llm);
    checks.llm = (signal) => llm.healthy(signal);
  }
  return { registry: new RunnerRegistry(runners), watcher: new BackendWatcher({ checks }), moderator };
}

/**
 * The speech and video runners this machine can offer: `audio.speak` when some engine has a voice
 * (espeak-ng always, Piper and an OpenAI-compatible speech server when configured), `video.compose`
 * when ffmpeg runs; and the voices, which the agent announces. What is missing is reported, and its
 * capability is simply not offered.
 */
export async function detectMediaRunners(
  backends: BackendSettings,
  warn: (message: string) => void,
  tools = { espeak: 'espeak-ng', ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
): Promise<{ runners: Runner[]; voices: Voice[] }> {
  const runners: Runner[] = [];
  const stale = await sweepScratch();
  if (stale.length) warn(`removed ${stale.length} working folder(s) left by an agent that was stopped mid-job`);
  const engines = [
    ...(backends.piper ? [new PiperEngine(backends.piper)] : []),
    ...(backends.openaiSpeech ? [new OpenAiSpeechEngine(backends.openaiSpeech)] : []),
    new EspeakEngine(tools.espeak),
  ];
  const speak = new SpeakRunner(engines);
  const voices = await speak.voices();
  if (backends.piper && !voices.some((v) => v.id.startsWith('piper:')))
    warn('Piper is configured but its command or voices do not work: no Piper voices offered');
  if (backends.openaiSpeech && !voices.some((v) => v.id.startsWith('openai:'))) {
    warn(
      `the speech server at ${backends.openaiSpeech.url} listed no voices we can use (down, or none of the configured voices): no OpenAI-compatible voices offered`,
    );
  }
  if (voices.length) runners.push(speak);
  else warn('no speech engine found (install espeak-ng or Piper): audio.speak is not offered');
  if (await hasFfmpeg(tools)) runners.push(new ComposeRunner(tools));
  else warn('ffmpeg/ffprobe not found: video.compose is not offered');
  return { runners, voices };
}

/** Backend settings from a JSON file (`{ "comfyui": {...}, "llm": {...} }`); no path, no backends. */
export async function loadBackendSettings(path: string | undefined): Promise<BackendSettings> {
  if (!path) return {};
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read backend settings ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseBackendSettings(value);
}
