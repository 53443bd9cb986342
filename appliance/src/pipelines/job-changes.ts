/**
 * "Jobs may have changed": the one place pipelines and comics learn that a job moved on. The
 * plugin calls `notify()` on the domain bus's `job.changed`; a slow tick is the safety net (and
 * the first round after a restart). Every listener compares SQLite rows (the truth) rather than
 * trusting the event, so an event missed or delivered twice changes nothing.
 */
export type JobChangeListener = () => void | Promise<void>;

export class JobChanges {
  private readonly listeners: JobChangeListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly everyMs: number,
    private readonly onError: (err: Error) => void,
  ) {}

  on(listener: JobChangeListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.timer ??= setInterval(() => this.notify(), this.everyMs);
    this.timer.unref();
    this.notify();
  }

  /** Run every listener once; calls while a round runs fold into one more round. */
  notify(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        for (const l of this.listeners) await Promise.resolve().then(l).catch(this.onError);
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once no round is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }
}
