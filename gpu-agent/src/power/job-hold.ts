/** What keeps jobs from starting while the machine goes to sleep (the job worker). */
export interface Holdable {
  /** Stop taking jobs; resolves with why the machine must not sleep now (a job is running), or null. */
  holdForSuspend(): Promise<string | null>;
  /** Take jobs again (woke up, or the suspend did not happen). */
  release(): void;
}

/** Late binding between the power extension and the worker, which is created after it is wired. */
export class JobHold implements Holdable {
  #target: Holdable | undefined;

  serve(target: Holdable | undefined): void {
    this.#target = target;
  }

  holdForSuspend(): Promise<string | null> {
    return this.#target?.holdForSuspend() ?? Promise.resolve(null);
  }

  release(): void {
    this.#target?.release();
  }
}
