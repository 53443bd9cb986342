import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { Value } from '@sinclair/typebox/value';
import {
  AgentRequest,
  HaDiscoveryChoice,
  MAX_AGENT_REQUEST_BYTES,
  agentReplyTopic,
  agentRequestTopic,
  agentTopics,
  applianceTopics,
  planDiscovery,
  type AgentAnnouncement,
  type DiscoveryRecord,
  type HaDevice,
  type HaDiscoveryMode,
  type HaOrigin,
} from '@hearth/protocol';
import type { AgentState } from '../agent-state.js';
import type { AgentBus, JobEvent } from '../bus.js';
import type { AgentConfig } from '../config.js';
import type { Extension } from '../extension.js';
import type { HostInventory } from '../inventory/inventory.js';
import type { Logger } from '../log.js';
import { parseCommand, type Command } from './commands.js';
import type { DiscoveryRecordFile } from './discovery-record.js';
import type { AgentRequests } from '../backends/requests.js';
import { mqttCredentials } from './mqtt-credentials.js';
import { agentEntities } from './entities.js';
import { statePayload } from './state-payload.js';

export interface PresenceOptions {
  config: AgentConfig;
  version: string;
  bus: AgentBus;
  state: AgentState;
  log: Logger;
  inventory: () => Promise<HostInventory>;
  record: DiscoveryRecordFile;
  /** Answers the appliance's requests (backend settings, tests, workflow imports). */
  requests: AgentRequests;
  random?: () => number;
}

/** How long discovery waits for the first telemetry round (so GPU entities are not cleared and re-added). */
const GPU_LIST_WAIT_MS = 15_000;
/** A wall-clock jump this large between ticks means the machine slept. */
const RESUME_GAP_MS = 15_000;
const TICK_MS = 5000;
/** How long discovery waits for the appliance's retained choice of form (it comes right after subscribing, if it exists). */
const CHOICE_WAIT_MS = 2000;

/**
 * The agent on MQTT: availability with LWT, the retained Hearth announcement, the retained state JSON,
 * Home Assistant discovery (with stale-entity cleanup and re-announce on HA's birth message), job events,
 * and commands from HA, each validated before it reaches the bus.
 */
export class MqttPresence implements Extension {
  readonly name = 'presence';
  readonly #t;
  #client: MqttClient | null = null;
  #inventory: HostInventory | null = null;
  #unsubscribe: Array<() => void> = [];
  #timers = new Set<NodeJS.Timeout>();
  #discoveryChain: Promise<void> = Promise.resolve();
  #gpuSignature: string | null = null;
  #asleep = false;
  /** The appliance's choice of discovery form; until it arrives, the form last published is kept. */
  #choice: HaDiscoveryChoice | null = null;
  readonly #choiceTopic = applianceTopics().haDiscovery;
  readonly #requestTopic: string;
  #lastTick = Date.now();
  #stopping = false;

  constructor(private readonly o: PresenceOptions) {
    this.#t = agentTopics(o.config.agentId);
    this.#requestTopic = agentRequestTopic(o.config.agentId);
  }

  async start(): Promise<void> {
    const { config, bus, log } = this.o;
    this.#inventory = await this.o.inventory();
    const client = mqtt.connect(config.mqttUrl, {
      clientId: `hearth-agent-${config.agentId}`,
      ...mqttCredentials(config),
      will: { topic: this.#t.availability, payload: Buffer.from('offline'), retain: true, qos: 1 },
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      // Telemetry is periodic: a backlog of stale readings after an outage helps no one.
      queueQoSZero: false,
    });
    this.#client = client;
    client.on('connect', () => void this.#onConnect().catch((err) => log.error('announcing on connect failed', { error: String(err) })));
    client.on('message', (topic, payload, packet) => this.#onMessage(topic, payload, packet));
    client.on('error', (err) => log.warn('mqtt error', { error: err.message }));
    client.on('offline', () => log.warn('mqtt broker unreachable; retrying', { broker: redact(config.mqttUrl) }));

    this.#unsubscribe.push(
      bus.on('telemetry', () => this.#onTelemetry()),
      bus.on('accepting.changed', () => this.#republishSelf()),
      bus.on('capabilities.changed', () => this.#republishSelf()),
      bus.on('voices.changed', () => this.#republishSelf()),
      bus.on('backends.changed', () => this.#republishSelf()),
      bus.on('job.started', (j) => this.#onJob('job_started', j)),
      bus.on('job.succeeded', (j) => this.#onJob('job_succeeded', j)),
      bus.on('job.failed', (j) => this.#onJob('job_failed', j, j.error)),
    );
    const tick = setInterval(() => this.#detectResume(), TICK_MS);
    tick.unref();
    this.#timers.add(tick);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const off of this.#unsubscribe) off();
    for (const t of this.#timers) clearTimeout(t);
    const client = this.#client;
    if (!client) return;
    if (client.connected) {
      await withTimeout(client.publishAsync(this.#t.availability, 'offline', { qos: 1, retain: true }), 2000).catch(() => {});
    }
    await client.endAsync();
  }

  /** Tells HA and the appliance this PC is going to sleep (not crashed); resolves once the broker has it. */
  async publishAsleep(): Promise<void> {
    this.#asleep = true;
    this.o.log.info('publishing asleep');
    const client = this.#client;
    if (!client) return;
    await withTimeout(client.publishAsync(this.#t.availability, 'asleep', { qos: 1, retain: true }), 3000).catch((err) =>
      this.o.log.warn('could not publish asleep before suspending', { error: String(err) }),
    );
  }

  /** The suspend did not happen (command failed) or the machine woke up: back to online. */
  async publishAwake(): Promise<void> {
    this.#asleep = false;
    if (this.#client?.connected) await this.#client.publishAsync(this.#t.availability, 'online', { qos: 1, retain: true });
  }

  async #onConnect(): Promise<void> {
    const client = this.#client!;
    const { config, log } = this.o;
    log.info('connected to mqtt', { broker: redact(config.mqttUrl) });
    await client.subscribeAsync([this.#t.commandWildcard, `${config.haDiscoveryPrefix}/status`, this.#choiceTopic, this.#requestTopic], { qos: 1 });
    this.#asleep = false;
    await client.publishAsync(this.#t.availability, 'online', { qos: 1, retain: true });
    await Promise.all([this.#waitForGpuList(), this.#waitForChoice()]);
    await this.#queueDiscovery();
    await this.#publishAnnouncement();
    await this.#publishState();
  }

  #onMessage(topic: string, payload: Buffer, packet: IPublishPacket) {
    const { config, log, bus, state } = this.o;
    if (topic === this.#choiceTopic) {
      this.#onChoice(payload);
      return;
    }
    if (topic === this.#requestTopic) {
      if (!packet.retain) this.#onRequest(payload);
      return;
    }
    if (topic === `${config.haDiscoveryPrefix}/status`) {
      const status = payload.toString('utf8').trim();
      if (status === 'online') {
        // HA restarted: every discovery source answers at once, so spread the load.
        const delay = Math.floor((this.o.random ?? Math.random)() * config.haAnnounceJitterMs);
        log.info('Home Assistant came online; re-announcing', { inMs: delay });
        this.#later(delay, async () => {
          await this.#queueDiscovery(true);
          await this.#client?.publishAsync(this.#t.availability, this.#asleep ? 'asleep' : 'online', { qos: 1, retain: true });
          await this.#publishState();
        });
      } else if (status !== 'offline') log.warn('ignored an unexpected Home Assistant status', { payload: status.slice(0, 40) });
      return;
    }
    const name = topic.slice(`${this.#t.base}/cmd/`.length);
    if (packet.retain) {
      // A retained command would replay on every reconnect (e.g. suspend forever): never act on one.
      log.warn('ignored a retained command', { command: name.slice(0, 40) });
      return;
    }
    const parsed = parseCommand(name, payload);
    if (!parsed.ok) {
      log.warn('ignored an invalid command', { error: parsed.error });
      return;
    }
    log.info('command', { command: parsed.command.name });
    const cmd: Command = parsed.command;
    if (cmd.name === 'accepting') state.setAccepting(cmd.on);
    else bus.emit(`command.${cmd.name}`, {});
  }

  /** A request from the appliance: validated, answered on our own reply topic. */
  #onRequest(payload: Buffer) {
    const { log, requests, config } = this.o;
    let req: unknown;
    try {
      req = payload.length <= MAX_AGENT_REQUEST_BYTES ? JSON.parse(payload.toString('utf8')) : null;
    } catch {
      req = null;
    }
    if (!Value.Check(AgentRequest, req)) {
      log.warn('ignored an invalid request from the appliance', { bytes: payload.length });
      return;
    }
    log.info('request from the appliance', { op: req.op });
    void requests
      .handle(req)
      .then((reply) => this.#client?.publishAsync(agentReplyTopic(config.agentId), JSON.stringify(reply), { qos: 1 }))
      .catch((err) => log.error('could not answer the appliance', { op: req.op, error: String(err) }));
  }

  /** The appliance chose a discovery form (it learned HA's version, or an admin changed it): follow it. */
  #onChoice(payload: Buffer) {
    if (payload.length === 0) return; // cleared: keep the form in use
    let choice: unknown;
    try {
      choice = JSON.parse(payload.toString('utf8'));
    } catch {
      choice = null;
    }
    if (!Value.Check(HaDiscoveryChoice, choice)) {
      this.o.log.warn('ignored an invalid discovery choice from the appliance', { payload: payload.toString('utf8').slice(0, 80) });
      return;
    }
    const changed = this.#choice?.mode !== choice.mode;
    this.#choice = choice;
    // Before the first discovery the connect sequence publishes with it; afterwards a new form migrates.
    if (changed && this.#gpuSignature !== null) {
      this.o.log.info('the appliance chose another discovery form', { mode: choice.mode, haVersion: choice.haVersion });
      void this.#queueDiscovery(true).catch((err) => this.o.log.error('discovery update failed', { error: String(err) }));
    }
  }

  #onTelemetry() {
    const signature = this.#signature();
    if (this.#gpuSignature !== null && signature !== this.#gpuSignature) {
      this.o.log.info('GPU list changed; updating discovery', { gpus: signature });
      void this.#queueDiscovery()
        .then(() => this.#publishAnnouncement())
        .catch((err) => this.o.log.error('discovery update failed', { error: String(err) }));
    }
    void this.#publishState();
  }

  #onJob(eventType: string, job: JobEvent, error?: string) {
    const client = this.#client;
    if (!client?.connected) return;
    const payload = JSON.stringify({ event_type: eventType, job_id: job.jobId, type: job.type, ...(error ? { error: error.slice(0, 200) } : {}) });
    void client.publishAsync(this.#t.event, payload, { qos: 1 }).catch(() => {});
    void this.#publishState();
  }

  #republishSelf() {
    void this.#publishAnnouncement()
      .then(() => this.#publishState())
      .catch((err) => this.o.log.error('announce failed', { error: String(err) }));
  }

  async #publishState() {
    const client = this.#client;
    if (!client?.connected) return;
    await client.publishAsync(this.#t.state, statePayload(this.o.state), { qos: 0, retain: true }).catch(() => {});
  }

  async #publishAnnouncement() {
    const client = this.#client;
    if (!client?.connected) return;
    const { config, state, version } = this.o;
    const announcement: AgentAnnouncement = {
      agentId: config.agentId,
      name: config.name,
      version,
      capabilities: [...state.capabilities],
      macs: (this.#inventory?.interfaces ?? []).map((i) => i.mac).slice(0, 8),
      gpus: state.gpus.slice(0, 16).map((g) => ({ index: g.index, name: (g.name ?? 'unknown GPU').slice(0, 120), memoryTotalMiB: g.memoryTotalMiB })),
      acceptingJobs: state.accepting,
      voices: state.voices.slice(0, 200),
      ...(state.backends ? { backends: state.backends } : {}),
    };
    await client.publishAsync(this.#t.announce, JSON.stringify(announcement), { qos: 1, retain: true });
  }

  /** Discovery runs one at a time: triggers (connect, HA birth, GPU change) may overlap. */
  #queueDiscovery(force = false): Promise<void> {
    const run = async () => {
      const client = this.#client;
      if (!client?.connected) return;
      const signature = this.#signature();
      if (!force && signature === this.#gpuSignature && this.#gpuSignature !== null) return;
      const { config, record, log } = this.o;
      const prev = await record.read();
      const mode = this.#mode(prev);
      const plan = planDiscovery(
        prev,
        {
          prefix: config.haDiscoveryPrefix,
          nodeId: this.#nodeId(),
          device: this.#device(),
          origin: this.#origin(),
          entities: agentEntities(config.agentId, this.o.state.gpus),
        },
        mode,
      );
      for (const m of plan.messages) await client.publishAsync(m.topic, m.payload, { qos: 1, retain: true });
      await record.write(plan.record);
      this.#gpuSignature = signature;
      const cleared = plan.messages.filter((m) => m.payload === '').length;
      log.info('published Home Assistant discovery', { mode, entities: plan.record.entities.length, cleared });
    };
    this.#discoveryChain = this.#discoveryChain.then(run, run);
    return this.#discoveryChain;
  }

  /** The appliance's choice, else the form this agent published last, else per-component (read by every HA). */
  #mode(prev: DiscoveryRecord | null): HaDiscoveryMode {
    return this.#choice?.mode ?? prev?.mode ?? 'component';
  }

  async #waitForChoice() {
    const deadline = Date.now() + CHOICE_WAIT_MS;
    while (!this.#choice && Date.now() < deadline && !this.#stopping) await new Promise((r) => setTimeout(r, 50));
  }

  async #waitForGpuList() {
    const deadline = Date.now() + GPU_LIST_WAIT_MS;
    while (!this.o.state.gpusKnown && Date.now() < deadline && !this.#stopping) await new Promise((r) => setTimeout(r, 100));
  }

  #signature() {
    return this.o.state.gpus.map((g) => `${g.index}:${g.name ?? ''}`).join('|');
  }

  #nodeId() {
    return `hearth_${this.o.config.agentId}`;
  }

  #device(): HaDevice {
    const { config, version, state } = this.o;
    const gpuNames = [...new Set(state.gpus.map((g) => g.name).filter((n): n is string => !!n))];
    return {
      identifiers: [`hearth_agent_${config.agentId}`],
      name: config.name,
      manufacturer: 'Hearth',
      model: gpuNames.length ? `GPU agent (${gpuNames.join(', ')})` : 'GPU agent',
      sw_version: version,
      ...(config.applianceUrl ? { configuration_url: config.applianceUrl } : {}),
    };
  }

  #origin(): HaOrigin {
    return { name: 'hearth-gpu-agent', sw_version: this.o.version, ...(this.o.config.applianceUrl ? { support_url: this.o.config.applianceUrl } : {}) };
  }

  #detectResume() {
    const now = Date.now();
    const gap = now - this.#lastTick;
    this.#lastTick = now;
    if (this.#asleep && gap > RESUME_GAP_MS) {
      this.o.log.info('woke up from suspend', { sleptMs: gap });
      void this.publishAwake().catch(() => {});
    }
  }

  #later(ms: number, fn: () => Promise<void>) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn().catch((err) => this.o.log.error('delayed publish failed', { error: String(err) }));
    }, ms);
    this.#timers.add(timer);
  }
}

/** The broker URL without credentials, for logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
