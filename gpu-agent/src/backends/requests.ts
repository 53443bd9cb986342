import type { AgentReply, AgentRequest } from '@hearth/protocol';

type Handler = (req: AgentRequest) => Promise<AgentReply>;

/**
 * Where the appliance's requests (backend settings, tests, workflow imports) go: presence receives
 * them on MQTT, the job-taking part of the agent answers them. Presence is up before that part has
 * started, so a request that comes in between waits for it; an agent that takes no jobs says so.
 */
export class AgentRequests {
  #handler: Handler | undefined;
  #decided = false;
  readonly #waiting: Array<() => void> = [];

  /** Who answers from now on; `undefined`: nobody (this agent takes no jobs, or it is stopping). */
  serve(handler: Handler | undefined): void {
    this.#handler = handler;
    this.#decided = true;
    for (const go of this.#waiting.splice(0)) go();
  }

  async handle(req: AgentRequest): Promise<AgentReply> {
    if (!this.#decided) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (this.#handler) return this.#handler(req);
    return { id: req.id, ok: false, message: 'this computer takes no jobs (REDIS_URL, APPLIANCE_URL or AGENT_TOKEN is not set), so it has no backends to set' };
  }
}
