import type { Extension } from './extension.js';
import type { Logger } from './log.js';

/** Runs extensions: start in order, stop in reverse; one failing to stop does not keep others running. */
export class Agent {
  #started: Extension[] = [];

  constructor(
    private readonly extensions: Extension[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    for (const ext of this.extensions) {
      this.log.debug(`starting ${ext.name}`);
      await ext.start();
      this.#started.push(ext);
    }
    this.log.info('agent started', { extensions: this.extensions.map((e) => e.name) });
  }

  async stop(): Promise<void> {
    for (const ext of this.#started.reverse()) {
      try {
        await ext.stop();
      } catch (err) {
        this.log.error(`stopping ${ext.name} failed`, { error: String(err) });
      }
    }
    this.#started = [];
    this.log.info('agent stopped');
  }
}
