import type { AgentReply, AgentRequest } from '@hearth/protocol';

type Handler = (req: AgentRequest) => Promise<AgentReply>;

/**
 * Where the appliance's requests (backend settings, tests, workflow imports) go: presence receives
 * them on MQTT, the job-taking part of the agent answers them. An agent that takes no jobs says so.
 */
export class AgentRequests {
  #handler: Handler | undefined;

  serve(handler: Handler | undefined): void {
    this.#handler = handler;
  }

  handle(req: AgentRequest): Promise<AgentReply> {
    if (this.#handler) return this.#handler(req);
    return Promise.resolve({ id: req.id, ok: false, message: 'this computer takes no jobs (REDIS_URL, APPLIANCE_URL or AGENT_TOKEN is not set), so it has no backends to set' });
  }
}
