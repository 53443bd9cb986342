import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { Value } from '@sinclair/typebox/value';
import { AGENT_REPLY_WILDCARD, AgentReply, HEARTH_ROOT, agentRequestTopic, type AgentRequest } from '@hearth/protocol';
import { HttpError } from '../http/errors.js';

type Body = AgentRequest extends infer R ? (R extends AgentRequest ? Omit<R, 'id'> : never) : never;

interface Waiting {
  agentId: string;
  resolve(reply: AgentReply): void;
  timer: NodeJS.Timeout;
}

/**
 * Requests to one agent over MQTT (`hearth/appliance/agent-requests/<id>`) and its reply on its own
 * `hearth/agent/<id>/reply`: a reply counts only from the agent it was asked of (the broker's ACL
 * pins each agent to its own topics), with the id it was asked with.
 */
export class AgentRequester {
  readonly #waiting = new Map<string, Waiting>();
  readonly #onMessage = (topic: string, payload: Buffer) => this.#handle(topic, payload);
  readonly #subscribe = () =>
    this.mqtt.subscribe(AGENT_REPLY_WILDCARD, { qos: 1 }, (err) => {
      if (err) this.log.error({ err: err.message }, 'could not subscribe to agent replies');
    });

  constructor(
    private readonly mqtt: MqttClient,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.mqtt.on('message', this.#onMessage);
    this.mqtt.on('connect', this.#subscribe);
    if (this.mqtt.connected) this.#subscribe();
  }

  stop(): void {
    this.mqtt.off('message', this.#onMessage);
    this.mqtt.off('connect', this.#subscribe);
    for (const [id, w] of this.#waiting) {
      clearTimeout(w.timer);
      this.#waiting.delete(id);
    }
  }

  /** Ask `agentId`; a computer that does not answer within `timeoutMs` is a 504 that says so. */
  async ask(agentId: string, body: Body, timeoutMs: number): Promise<AgentReply> {
    const id = randomBytes(12).toString('base64url');
    const reply = new Promise<AgentReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new HttpError(504, `The computer ${agentId} did not answer within ${Math.round(timeoutMs / 1000)} s (is it on, and is its agent up to date?)`));
      }, timeoutMs);
      this.#waiting.set(id, { agentId, resolve, timer });
    });
    try {
      await this.mqtt.publishAsync(agentRequestTopic(agentId), JSON.stringify({ ...body, id }), { qos: 1 });
    } catch (err) {
      clearTimeout(this.#waiting.get(id)?.timer);
      this.#waiting.delete(id);
      throw new HttpError(503, `Could not reach the MQTT broker to ask the computer (${(err as Error).message})`);
    }
    return reply;
  }

  #handle(topic: string, payload: Buffer): void {
    const parts = topic.split('/');
    if (parts.length !== 4 || parts[0] !== HEARTH_ROOT || parts[1] !== 'agent' || parts[3] !== 'reply') return;
    let reply: unknown;
    try {
      reply = JSON.parse(payload.toString('utf8'));
    } catch {
      reply = null;
    }
    if (!Value.Check(AgentReply, reply)) {
      this.log.warn({ topic, bytes: payload.length }, 'ignored an invalid reply from an agent');
      return;
    }
    const waiting = this.#waiting.get(reply.id);
    if (!waiting || waiting.agentId !== parts[2]) return;
    clearTimeout(waiting.timer);
    this.#waiting.delete(reply.id);
    waiting.resolve(reply);
  }
}
