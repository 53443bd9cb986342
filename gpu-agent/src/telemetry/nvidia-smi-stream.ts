import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { backoffDelay } from '@hearth/protocol';
import type { Logger } from '../log.js';
import type { GpuSample } from './gpu-sample.js';
import { lineParser } from './parse.js';
import { invalidFieldIn } from './probe.js';

export interface StreamOptions {
  bin: string;
  intervalMs: number;
  /** Fields to query, in order (from the probe). */
  fields: string[];
  log: Logger;
  onSample(sample: GpuSample): void;
  onStatus(status: 'running' | 'restarting', detail: string | null): void;
  backoff?: { initialMs: number; maxMs: number };
}

/** Longest line accepted; anything longer is garbage (a real wide line is ~2 KB). */
const MAX_LINE = 16 * 1024;

/**
 * One long-lived `nvidia-smi --query-gpu … -lms N` child, parsed line by line as it streams.
 * Restarts with exponential backoff when it dies; drops fields the driver rejects and restarts at once.
 */
export class NvidiaSmiStream {
  #child: ChildProcess | null = null;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | null = null;
  #failures = 0;
  #fields: string[];
  /** Counters, exposed for logs and tests. */
  readonly stats = { lines: 0, malformed: 0, restarts: 0 };

  constructor(private readonly o: StreamOptions) {
    this.#fields = [...o.fields];
  }

  get fields(): readonly string[] {
    return this.#fields;
  }

  start(): void {
    this.#stopping = false;
    this.#spawn();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  #spawn(): void {
    const args = [`--query-gpu=${this.#fields.join(',')}`, '--format=csv,noheader,nounits', `-lms`, String(this.o.intervalMs)];
    const child = spawn(this.o.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const parse = lineParser(this.#fields);
    this.#child = child;
    let gotSample = false;
    let diagnostics = '';
    const note = (text: string) => {
      if (diagnostics.length < 4096) diagnostics += text;
    };

    child.stderr!.setEncoding('utf8').on('data', note);
    const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      this.stats.lines++;
      const parsed = line.length > MAX_LINE ? { ok: false as const, reason: 'line too long' } : parse(line);
      if (parsed.ok) {
        if (!gotSample) {
          gotSample = true;
          this.#failures = 0;
          this.o.onStatus('running', null);
        }
        this.o.onSample(parsed.sample);
        return;
      }
      note(`${line.slice(0, 300)}\n`);
      this.stats.malformed++;
      // Log the first few and then every 100th, so a chatty broken driver cannot flood the journal.
      if (this.stats.malformed <= 5 || this.stats.malformed % 100 === 0) {
        this.o.log.warn('skipped a malformed nvidia-smi line', { reason: parsed.reason, line: line.slice(0, 200), malformedSoFar: this.stats.malformed });
      }
    });

    child.once('error', (err: NodeJS.ErrnoException) => {
      // 'close' follows and handles the restart; ENOENT after a good probe means the driver went away.
      note(`spawn error: ${err.code ?? err.message}\n`);
    });
    child.once('close', (code, signal) => {
      lines.close();
      if (this.#child === child) this.#child = null;
      if (this.#stopping) return;
      const invalid = invalidFieldIn(diagnostics);
      if (invalid && this.#fields.includes(invalid) && invalid !== 'index') {
        this.o.log.warn(`this driver does not know "${invalid}"; querying without it`);
        this.#fields = this.#fields.filter((f) => f !== invalid);
        this.#spawn();
        return;
      }
      this.#failures++;
      this.stats.restarts++;
      const { initialMs, maxMs } = this.o.backoff ?? { initialMs: 1000, maxMs: 60_000 };
      const delay = backoffDelay(this.#failures, { baseMs: initialMs, maxMs });
      this.o.log.warn('nvidia-smi exited; restarting', { code, signal, inMs: delay, output: diagnostics.trim().slice(0, 300) || undefined });
      this.o.onStatus('restarting', `nvidia-smi exited (${signal ?? code}); retry in ${delay} ms`);
      this.#restartTimer = setTimeout(() => this.#spawn(), delay);
    });
  }
}
