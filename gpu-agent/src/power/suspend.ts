import { spawn } from 'node:child_process';
import type { AgentBus } from '../bus.js';
import type { Extension } from '../extension.js';
import type { Logger } from '../log.js';

export interface SuspendHooks {
  /**
   * Stop taking jobs before anything else; a reason back means a job is running and the machine
   * stays up (HA asks again when it is idle). Without this a job taken in the last moment would
   * sleep with the machine, stuck as "running" until the stall check hands it out again.
   */
  holdJobs(): Promise<string | null>;
  /** Take jobs again: the machine woke up, or it never went to sleep. */
  releaseJobs(): void;
  /** Publish `asleep` so HA/the appliance can tell sleep from a crash; must finish before suspending. */
  beforeSuspend(): Promise<void>;
  /** The suspend command failed: undo `asleep`. */
  suspendFailed(): Promise<void>;
}

/** Runs the configured suspend command (no shell, never on the event loop) when `command.suspend` arrives. */
export class SuspendExtension implements Extension {
  readonly name = 'power';
  #off: (() => void) | null = null;
  #busy = false;

  constructor(
    private readonly command: readonly string[],
    private readonly bus: AgentBus,
    private readonly hooks: SuspendHooks,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.#off = this.bus.on('command.suspend', () => void this.suspend());
  }

  async stop(): Promise<void> {
    this.#off?.();
  }

  async suspend(): Promise<void> {
    if (this.#busy) {
      this.log.info('suspend already in progress');
      return;
    }
    this.#busy = true;
    try {
      const busy = await this.hooks.holdJobs();
      if (busy) {
        this.log.warn(`not suspending: ${busy}`);
        this.hooks.releaseJobs();
        return;
      }
      await this.hooks.beforeSuspend();
      const [bin, ...args] = this.command;
      this.log.info('suspending', { command: this.command.join(' ') });
      const result = await new Promise<{ code: number | null; error?: string; stderr: string }>((resolve) => {
        let stderr = '';
        const child = spawn(bin!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
        child.once('error', (err) => resolve({ code: null, error: err.message, stderr }));
        child.once('close', (code) => resolve({ code, stderr }));
      });
      if (result.code !== 0) {
        this.log.error('suspend command failed', { code: result.code, error: result.error, stderr: result.stderr.trim() || undefined });
        await this.hooks.suspendFailed();
      }
      // `systemctl suspend` returns once the machine is awake again (or the suspend failed).
      this.hooks.releaseJobs();
    } finally {
      this.#busy = false;
    }
  }
}
