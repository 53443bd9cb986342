/**
 * ComfyUI runner: `image.generate`, `image.stylize`, `video.generate`.
 *
 * Per job: fill a workflow template, open a websocket with a fresh clientId, POST /prompt with a
 * prompt_id we choose, follow the messages (progress, previews, success/error), then read the
 * outputs from /history and /view and upload them. If the socket drops mid-job we reconnect and
 * poll /history meanwhile. Cancelling sends a targeted /interrupt and removes the prompt from
 * ComfyUI's queue.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSharp } from '../load-sharp.js';
import type { Capability } from '@hearth/protocol';
import { JobError, type RunContext, type Runner, type RunnerJob, type RunResult } from '../runner.js';
import { abortReason, asJobError, checkShape } from '../../backends/http.js';
import type { ComfyUiSettings } from '../../backends/settings.js';
import { ComfyClient, filesOf } from './client.js';
import { ComfySocket } from './socket.js';
import { ComfyProgress } from './progress.js';
import { PreviewThrottle } from './preview.js';
import { ExecutingData, ExecutionErrorData, ExecutionInterruptedData, ProgressData, PromptIdData, type HistoryEntry } from './protocol.js';
import { fillWorkflow, loadTemplate, type OutputFormat, type WorkflowValues, type ApiWorkflow } from './workflow.js';
import { AGENT_DIR } from '../../install-dir.js';

type ComfyJobType = 'image.generate' | 'image.stylize' | 'video.generate';

export const DEFAULT_WORKFLOWS_DIR = fileURLToPath(new URL('workflows/', AGENT_DIR));
const DEFAULT_VIDEO = {
  unet: 'wan2.2_ti2v_5B_fp16.safetensors',
  textEncoder: 'umt5_xxl_fp8_e4m3fn_scaled.safetensors',
  vae: 'wan2.2_vae.safetensors',
  width: 832,
  height: 480,
};
/** gif.create takes at most 60 frames. */
const MAX_GIF_FRAMES = 60;

export interface ComfyUiRunnerOptions {
  settings: ComfyUiSettings;
  /** How often /history is polled while the websocket is down. */
  historyPollMs?: number;
  /** Give up when ComfyUI cannot be reached at all for this long during a job. */
  lostAfterMs?: number;
  /** Budget for the /interrupt and /queue calls on cancel (the job must stop within 2 s). */
  cancelTimeoutMs?: number;
  /** Longest wait for a cancelled prompt to leave ComfyUI before the next job is queued anyway. */
  drainTimeoutMs?: number;
  /** Workflows an admin imported (checked against the server); one here replaces the shipped template. */
  importedDir?: string;
}

interface Plan {
  template: string;
  values: WorkflowValues;
  format: OutputFormat;
  data: Record<string, unknown>;
}

export class ComfyUiRunner implements Runner<ComfyJobType> {
  readonly capability: Capability = 'comfyui';
  readonly jobTypes = ['image.generate', 'image.stylize', 'video.generate'] as const;
  private readonly client: ComfyClient;
  private readonly dir: string;
  /** A cancelled prompt ComfyUI may still be working on; the next job waits for it. */
  private draining: Promise<void> | undefined;

  constructor(private readonly options: ComfyUiRunnerOptions) {
    this.client = new ComfyClient(options.settings.url, options.settings.requestTimeoutMs ?? 30_000);
    this.dir = options.settings.workflowsDir ?? DEFAULT_WORKFLOWS_DIR;
  }

  async healthy(signal?: AbortSignal): Promise<boolean> {
    try {
      await this.client.systemStats(signal);
      return true;
    } catch {
      return false;
    }
  }

  async freeMemory(): Promise<void> {
    await this.client.free();
  }

  async run(job: RunnerJob<ComfyJobType>, ctx: RunContext): Promise<RunResult> {
    try {
      const plan = await this.plan(job, ctx);
      const template = await this.template(plan.template);
      const { prompt, outputNodes } = fillWorkflow(template, plan.template, plan.values, plan.format);
      const progress = new ComfyProgress(prompt, (p) => ctx.progress(p));
      await this.afterDrain(progress, ctx.signal);
      const entry = await this.execute(prompt, progress, ctx);
      const artifacts = await this.collect(entry, outputNodes, job.type, plan.format, progress, ctx);
      progress.finish('done', 1);
      return { artifacts, data: plan.data };
    } catch (err) {
      if (err instanceof Error && err.name === 'WorkflowError') throw new JobError(err.message);
      throw asJobError(err, 'ComfyUI', ctx.signal);
    }
  }

  private async template(name: string): Promise<ApiWorkflow> {
    const imported = this.options.importedDir;
    const own =
      imported !== undefined &&
      (await access(join(imported, `${name}.json`)).then(
        () => true,
        () => false,
      ));
    return loadTemplate(own ? imported : this.dir, name);
  }

  private async plan(job: RunnerJob<ComfyJobType>, ctx: RunContext): Promise<Plan> {
    const { settings } = this.options;
    const output = `hearth/${job.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}`;
    switch (job.type) {
      case 'image.generate': {
        const { input } = job;
        const seed = input.seed ?? randomInt(0, 2 ** 32);
        return {
          template: 'text-to-image',
          format: 'png',
          values: {
            checkpoint: input.checkpoint ?? settings.checkpoint,
            prompt: input.prompt,
            negative: input.negativePrompt ?? '',
            seed,
            steps: input.steps,
            size: { width: input.width, height: input.height },
            output,
          },
          data: { seed },
        };
      }
      case 'image.stylize': {
        const { input } = job;
        const seed = input.seed ?? randomInt(0, 2 ** 32);
        const media = await ctx.fetchMedia(input.mediaId);
        const ext = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' }[media.contentType.split(';')[0]!.trim().toLowerCase()];
        if (!ext) throw new JobError(`the picture to restyle must be PNG, JPEG or WebP, not ${media.contentType}`);
        const image = await this.client.uploadImage(`hearth-${input.mediaId.slice(0, 24)}.${ext}`, media.bytes, media.contentType, ctx.signal);
        return {
          template: 'image-to-image',
          format: 'png',
          values: {
            checkpoint: input.checkpoint ?? settings.checkpoint,
            image,
            prompt: input.prompt,
            negative: '',
            seed,
            steps: input.steps,
            denoise: input.strength,
            output,
          },
          data: { seed },
        };
      }
      case 'video.generate': {
        const { input } = job;
        const seed = input.seed ?? randomInt(0, 2 ** 32);
        const video = { ...DEFAULT_VIDEO, ...settings.video };
        // Wan latents hold 1 + 4k frames.
        const frames = Math.ceil((input.frames - 1) / 4) * 4 + 1;
        const format: OutputFormat = input.format === 'gif' ? 'frames' : input.format;
        return {
          template: 'text-to-video',
          format,
          values: {
            unet: video.unet,
            'text-encoder': video.textEncoder,
            vae: video.vae,
            prompt: input.prompt,
            negative: '',
            seed,
            frames,
            fps: input.fps,
            size: { width: video.width, height: video.height },
            output,
          },
          data:
            input.format === 'gif'
              ? {
                  seed,
                  format: 'frames',
                  fps: input.fps,
                  note: 'ComfyUI made PNG frames; turn them into a GIF with a gif.create job (frameDelayMs = 1000 / fps)',
                }
              : { seed, format: input.format, fps: input.fps },
        };
      }
    }
  }

  /** Resolves once ComfyUI no longer runs or holds the prompt (or after `drainTimeoutMs`, or when it cannot be asked). */
  private async untilStopped(promptId: string): Promise<void> {
    const deadline = Date.now() + (this.options.drainTimeoutMs ?? 5 * 60_000);
    const pollMs = this.options.historyPollMs ?? 1000;
    while (Date.now() < deadline) {
      try {
        const { running, pending } = await this.client.queue();
        if (!running.includes(promptId) && !pending.includes(promptId)) return;
      } catch {
        return; // ComfyUI is down: nothing of ours runs there any more
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Before queueing: wait (cancellably) for a cancelled prompt of ours that ComfyUI is still finishing. */
  private async afterDrain(progress: ComfyProgress, signal: AbortSignal): Promise<void> {
    const draining = this.draining;
    if (!draining) return;
    progress.finish('waiting for ComfyUI to stop the last job', 0);
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      void draining.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    if (this.draining === draining) this.draining = undefined;
  }

  /** Queue the prompt and follow it to its history entry. */
  private async execute(prompt: ApiWorkflow, progress: ComfyProgress, ctx: RunContext): Promise<HistoryEntry> {
    const { signal } = ctx;
    const promptId = randomUUID();
    const clientId = `hearth-${randomUUID()}`;
    const socket = new ComfySocket(this.client.wsUrl(clientId));
    const previews = new PreviewThrottle(this.options.settings.previewIntervalMs ?? 1000);
    const pollMs = this.options.historyPollMs ?? 1000;
    const lostAfterMs = this.options.lostAfterMs ?? 60_000;
    const cancelTimeoutMs = this.options.cancelTimeoutMs ?? 1500;

    try {
      await socket.open(signal);
    } catch (err) {
      socket.close();
      throw asJobError(err, 'ComfyUI websocket', signal);
    }

    return new Promise<HistoryEntry>((resolve, reject) => {
      let settled = false;
      let queued = false;
      let started = false;
      let finishing = false;
      let pollTimer: NodeJS.Timeout | undefined;
      let unreachableSince: number | undefined;

      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(pollTimer);
        signal.removeEventListener('abort', onAbort);
        socket.close();
        fn();
      };
      const fail = (err: unknown) => settle(() => reject(asJobError(err, 'ComfyUI', signal)));

      const onAbort = () => {
        if (settled) return;
        // Stop waiting at once; tell ComfyUI within the cancel budget, then let go.
        socket.close();
        // ComfyUI checks for an interrupt only between sampler steps or nodes (seen: a 2048² node
        // went on 12.8 s after the interrupt): the next job waits until this one has really stopped.
        this.draining = this.untilStopped(promptId);
        // Even before /prompt answered: the request may already have reached ComfyUI.
        void this.client.cancel(promptId, cancelTimeoutMs).finally(() => settle(() => reject(abortReason(signal))));
      };
      signal.addEventListener('abort', onAbort, { once: true });

      /** A finished entry: success → resolve; error/interrupt → the node's own message. */
      const handleEntry = (entry: HistoryEntry) => {
        const status = entry.status;
        if (status && status.status_str === 'error') {
          const error = status.messages.find(([type]) => type === 'execution_error');
          if (error) return fail(executionError(error[1]));
          const interrupted = status.messages.find(([type]) => type === 'execution_interrupted');
          if (interrupted) return fail(interruptedError(signal));
          return fail(new JobError('ComfyUI reports the workflow failed without saying why'));
        }
        settle(() => resolve(entry));
      };

      /** ComfyUI writes the history entry just after execution_success; wait briefly for it. */
      const finish = async () => {
        if (finishing || settled) return;
        finishing = true;
        progress.finish('fetching results', 0.92);
        const deadline = Date.now() + 15_000;
        try {
          for (;;) {
            const entry = await this.client.history(promptId, signal);
            if (entry) return handleEntry(entry);
            if (Date.now() > deadline) throw new JobError('ComfyUI said the workflow finished but has no history entry for it');
            await new Promise((r) => setTimeout(r, 100));
          }
        } catch (err) {
          fail(err);
        }
      };

      /**
       * While the socket is down, /history and /queue tell whether the prompt finished, still
       * waits, or was forgotten by a ComfyUI that restarted (then no message will ever come:
       * the attempt fails as retryable and the job is handed out again).
       */
      const poll = async () => {
        if (settled) return;
        try {
          const where = await this.client.locate(promptId, signal);
          unreachableSince = undefined;
          if (where.state === 'done') return handleEntry(where.entry);
          if (where.state === 'gone') return fail(forgotten());
        } catch (err) {
          if (err instanceof JobError && !err.retryable) return fail(err);
          unreachableSince ??= Date.now();
          if (Date.now() - unreachableSince > lostAfterMs) return fail(new JobError('ComfyUI stopped answering during the job', true));
        }
        if (!settled) pollTimer = setTimeout(() => void poll(), pollMs);
      };

      socket.on('down', () => {
        if (!settled && queued && !pollTimer) pollTimer = setTimeout(() => void poll(), pollMs);
      });
      socket.on('open', () => {
        // Reconnected: a prompt that ended (or was forgotten) while we were away sends nothing more, so look once now.
        if (!settled && queued) {
          void this.client.locate(promptId, signal).then(
            (where) => (where.state === 'done' ? handleEntry(where.entry) : where.state === 'gone' ? fail(forgotten()) : undefined),
            () => {},
          );
        }
      });

      socket.on('message', ({ type, data }) => {
        if (settled) return;
        try {
          if (type === 'status') {
            const remaining = (data.status as { exec_info?: { queue_remaining?: unknown } } | undefined)?.exec_info?.queue_remaining;
            if (!started && typeof remaining === 'number') progress.queued(remaining);
            return;
          }
          const pid = typeof data.prompt_id === 'string' ? data.prompt_id : undefined;
          if (pid !== undefined && pid !== promptId) return;
          switch (type) {
            case 'execution_start':
              checkShape(PromptIdData, data, 'ComfyUI execution_start');
              started = true;
              progress.started();
              break;
            case 'execution_cached':
              if (Array.isArray(data.nodes)) progress.cached(data.nodes.filter((n): n is string => typeof n === 'string'));
              break;
            case 'executing': {
              const d = checkShape(ExecutingData, data, 'ComfyUI executing');
              started = true;
              // `node: null` is the end signal that ComfyUI still sends after every prompt.
              if (d.node === null) {
                if (pid === promptId) void finish();
              } else progress.executing(d.node);
              break;
            }
            case 'progress': {
              const d = checkShape(ProgressData, data, 'ComfyUI progress');
              progress.step(d.node, d.value, d.max);
              break;
            }
            case 'execution_success':
              void finish();
              break;
            case 'execution_error':
              fail(executionError(data));
              break;
            case 'execution_interrupted':
              checkShape(ExecutionInterruptedData, data, 'ComfyUI execution_interrupted');
              if (!signal.aborted) fail(interruptedError(signal));
              break;
            default:
              break; // progress_state, executed, feature_flags…: nothing we need
          }
        } catch (err) {
          fail(err);
        }
      });

      socket.on('preview', (frame) => {
        if (settled || !started || (frame.promptId && frame.promptId !== promptId)) return;
        void previews.take(frame).then((preview) => {
          if (preview && !settled) ctx.progress({ ...progress.current(), preview });
        });
      });

      this.client.queuePrompt(prompt, clientId, promptId, signal).then(
        () => {
          queued = true;
          // The socket may have dropped while we were queueing.
          if (!socket.connected && !pollTimer && !settled) pollTimer = setTimeout(() => void poll(), pollMs);
        },
        (err) => fail(err),
      );
    });
  }

  /** Download each kept output node's files and upload them as artifacts. */
  private async collect(
    entry: HistoryEntry,
    outputNodes: string[],
    type: ComfyJobType,
    format: OutputFormat,
    progress: ComfyProgress,
    ctx: RunContext,
  ): Promise<string[]> {
    let files = outputNodes.flatMap((id) => filesOf(entry.outputs[id]));
    if (!files.length) throw new JobError("ComfyUI finished but saved no files (check the workflow's hearth:output node)");
    if (format === 'frames' && files.length > MAX_GIF_FRAMES) {
      const step = files.length / MAX_GIF_FRAMES;
      files = Array.from({ length: MAX_GIF_FRAMES }, (_, i) => files[Math.floor(i * step)]!);
    }
    const names: string[] = [];
    for (const [i, file] of files.entries()) {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      progress.finish(files.length > 1 ? `uploading ${i + 1}/${files.length}` : 'uploading', 0.92 + (0.07 * i) / files.length);
      const { bytes } = await this.client.view(file, ctx.signal);
      const kind = await sniff(bytes, file.filename);
      const name = artifactName(type, format, kind.ext, i, files.length);
      await ctx.upload({ name, contentType: kind.contentType, bytes });
      names.push(name);
    }
    return names;
  }
}

function executionError(data: Record<string, unknown> | unknown): JobError {
  const d = checkShape(ExecutionErrorData, data, 'ComfyUI execution_error');
  const message = d.exception_message.trim().split('\n')[0]?.slice(0, 400) ?? '';
  return new JobError(`ComfyUI failed in node ${d.node_type} (#${d.node_id}): ${d.exception_type}: ${message}`);
}

function forgotten(): JobError {
  return new JobError('ComfyUI lost the job (it restarted?); it will be tried again', true);
}

function interruptedError(signal: AbortSignal): Error {
  return signal.aborted ? abortReason(signal) : new JobError('ComfyUI interrupted the job (someone pressed cancel in ComfyUI?)', true);
}

/** Check the bytes are the kind of file they claim to be; malformed output is an error, not an artifact. */
async function sniff(bytes: Buffer, filename: string): Promise<{ ext: string; contentType: string }> {
  if (bytes.length > 12 && bytes.subarray(4, 8).toString('latin1') === 'ftyp') return { ext: 'mp4', contentType: 'video/mp4' };
  try {
    const meta = await (await loadSharp())(bytes, { animated: true }).metadata();
    if (meta.format === 'png') return { ext: 'png', contentType: 'image/png' };
    if (meta.format === 'webp') return { ext: 'webp', contentType: 'image/webp' };
    if (meta.format === 'jpeg') return { ext: 'jpg', contentType: 'image/jpeg' };
    if (meta.format === 'gif') return { ext: 'gif', contentType: 'image/gif' };
  } catch {
    // fall through to the error below
  }
  throw new JobError(`ComfyUI output ${filename} is not a readable picture or video`);
}

function artifactName(type: ComfyJobType, format: OutputFormat, ext: string, index: number, count: number): string {
  if (format === 'frames') return `frame-${String(index + 1).padStart(3, '0')}.${ext}`;
  const base = type === 'video.generate' ? (ext === 'mp4' ? 'video' : 'animation') : 'image';
  return count > 1 ? `${base}-${index + 1}.${ext}` : `${base}.${ext}`;
}
