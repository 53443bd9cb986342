import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  APPLIANCE_NODE_ID,
  applianceTopics,
  chooseDiscoveryMode,
  planDiscovery,
  type DiscoveryRecord,
  type HaDevice,
  type HaDiscoveryChoice,
  type HaDiscoveryMode,
  type HaDiscoverySetting,
  type HaOrigin,
  type JobView,
  type KioskControl,
  type KioskScreenMode,
  type Principal,
} from '@hearth/protocol';
import { parseCommand, type DeviceCommand } from './commands.js';
import { applianceEntities } from './entities.js';
import { statePayload, type ApplianceState } from './state-payload.js';

type DevicePrincipal = Extract<Principal, { kind: 'device' }>;

/** What the appliance's other capabilities offer this one (injected, so tests and wiring stay explicit). */
export interface MqttDevicePorts {
  presets: { list(): Array<{ id: number; name: string }>; run(id: number, principal: DevicePrincipal): Promise<JobView> };
  kiosk: { get(): KioskControl; set(change: Partial<KioskControl>): Promise<KioskControl>; onChange(listener: (s: KioskControl) => void): () => void };
  /** Awake / photo frame / dark, and its drivers (HA's switch, wake button, held presence). */
  screen: { mode(): KioskScreenMode; wake(): void; sleep(): void; presence(on: boolean): void };
  /** Current job counts and agents (read on every poll). */
  state(): Omit<ApplianceState, 'kiosk' | 'kioskMode'>;
  /** Called when agents change, so their count is published at once. */
  /** Jobs, agents or the kiosk changed (domain events): the state is published at once, not at the next poll. */
  onStateChange(listener: () => void): () => void;
  /** The home-assistant principal that owns preset jobs; `revoked` when an admin switched it off. */
  principal(): Promise<{ principal: DevicePrincipal; revoked: boolean }>;
  record: { read(): DiscoveryRecord | null; write(record: DiscoveryRecord): Promise<void> };
  audit(entry: { actor: Principal; action: string; target?: string; outcome?: 'ok' | 'denied' | 'failed'; detail?: Record<string, unknown> }): void;
}

export interface MqttDeviceOptions {
  mqtt: MqttClient;
  log: Logger;
  ports: MqttDevicePorts;
  version: string;
  kioskPages: readonly string[];
  /** The admin's setting; with `auto` the form follows `haVersion`. */
  discoverySetting: HaDiscoverySetting;
  /** Home Assistant's version when known (from the websocket link, or remembered from it). */
  haVersion: string | null;
  discoveryPrefix: string;
  /** Upper bound of the random delay before re-announcing when HA comes online. */
  announceJitterMs: number;
  /** How often job counts and presets are re-read. */
  pollMs: number;
  configurationUrl?: string;
  random?: () => number;
}

const NODE_ID = `hearth_${APPLIANCE_NODE_ID}`;

/**
 * The appliance as an MQTT device in Home Assistant: retained discovery (with cleanup of entities that
 * no longer exist), availability, a retained state JSON that changes only when a count or the kiosk
 * changes, and validated commands: preset buttons start jobs, the switch and select drive the kiosk.
 */
export class MqttDevice {
  readonly #t = applianceTopics();
  readonly #cmdPrefix = `${this.#t.base}/cmd/`;
  readonly #statusTopic: string;
  #timers = new Set<NodeJS.Timeout>();
  #unsubscribe: Array<() => void> = [];
  #discoveryChain: Promise<void> = Promise.resolve();
  /** Presets and kiosk pages last published: discovery changes only when they do. */
  #signature: string | null = null;
  #lastState: string | null = null;
  #stopped = false;
  #setting: HaDiscoverySetting;
  #haVersion: string | null;
  readonly #onMessage = (topic: string, payload: Buffer, packet: IPublishPacket) => this.#handle(topic, payload, packet);
  readonly #onConnect = () => void this.#announce().catch((err: Error) => this.o.log.error({ err: err.message }, 'mqtt device: announcing failed'));

  constructor(private readonly o: MqttDeviceOptions) {
    this.#statusTopic = `${o.discoveryPrefix}/status`;
    this.#setting = o.discoverySetting;
    this.#haVersion = o.haVersion;
  }

  start(): void {
    const { mqtt } = this.o;
    mqtt.on('message', this.#onMessage);
    mqtt.on('connect', this.#onConnect);
    this.#unsubscribe.push(this.o.ports.onStateChange(() => void this.#publishState()));
    const poll = setInterval(() => this.#poll(), this.o.pollMs);
    poll.unref();
    this.#timers.add(poll);
    if (mqtt.connected) this.#onConnect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const off of this.#unsubscribe) off();
    for (const t of this.#timers) clearTimeout(t);
    const { mqtt } = this.o;
    mqtt.off('message', this.#onMessage);
    mqtt.off('connect', this.#onConnect);
    await this.#discoveryChain;
    // A clean stop sends no LWT: say offline ourselves so HA greys the entities out.
    if (mqtt.connected) await withTimeout(mqtt.publishAsync(this.#t.availability, 'offline', { qos: 1, retain: true }), 2000).catch(() => undefined);
  }

  /** The form in use: the one every Hearth device publishes (agents follow the retained choice). */
  get discoveryMode(): HaDiscoveryMode {
    return chooseDiscoveryMode(this.#setting, this.#haVersion);
  }

  get discoverySetting(): HaDiscoverySetting {
    return this.#setting;
  }

  get haVersion(): string | null {
    return this.#haVersion;
  }

  /** A new admin setting; a change of form clears what the old form published (per the record). */
  async setDiscoverySetting(setting: HaDiscoverySetting): Promise<void> {
    await this.#change(() => (this.#setting = setting));
  }

  /** Home Assistant's version, learned over the websocket link (an upgrade may switch the form). */
  async setHaVersion(version: string): Promise<void> {
    await this.#change(() => (this.#haVersion = version));
  }

  async #change(apply: () => void): Promise<void> {
    const before = this.discoveryMode;
    const versionBefore = this.#haVersion;
    apply();
    if (this.discoveryMode !== before) {
      this.o.log.info({ from: before, to: this.discoveryMode, haVersion: this.#haVersion }, 'mqtt device: discovery form changed');
      await this.#queueDiscovery(true);
    }
    if (this.discoveryMode !== before || this.#haVersion !== versionBefore) await this.#publishChoice();
  }

  /** Retained, so agents that connect later follow it too. */
  async #publishChoice(): Promise<void> {
    const { mqtt } = this.o;
    if (!mqtt.connected || this.#stopped) return;
    const choice: HaDiscoveryChoice = { mode: this.discoveryMode, haVersion: this.#haVersion };
    await mqtt.publishAsync(this.#t.haDiscovery, JSON.stringify(choice), { qos: 1, retain: true });
  }

  /** On every (re)connect: subscriptions, availability, discovery, state. */
  async #announce(): Promise<void> {
    const { mqtt, log } = this.o;
    await mqtt.subscribeAsync([this.#t.commandWildcard, this.#statusTopic], { qos: 1 });
    await mqtt.publishAsync(this.#t.availability, 'online', { qos: 1, retain: true });
    await this.#publishChoice();
    await this.#queueDiscovery(true);
    await this.#publishState(true);
    log.info('mqtt device: announced to Home Assistant');
  }

  #handle(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const { log } = this.o;
    if (topic === this.#statusTopic) {
      const status = payload.toString('utf8').trim();
      if (status === 'online') {
        // HA restarted: every discovery source answers at once, so spread the load.
        const delay = Math.floor((this.o.random ?? Math.random)() * this.o.announceJitterMs);
        log.info({ inMs: delay }, 'mqtt device: Home Assistant came online; re-announcing');
        this.#later(delay, async () => {
          await this.o.mqtt.publishAsync(this.#t.availability, 'online', { qos: 1, retain: true });
          await this.#queueDiscovery(true);
          await this.#publishState(true);
        });
      } else if (status !== 'offline') log.warn({ payload: status.slice(0, 40) }, 'mqtt device: ignored an unexpected Home Assistant status');
      return;
    }
    if (!topic.startsWith(this.#cmdPrefix)) return; // the shared client also carries other capabilities' topics
    const sub = topic.slice(this.#cmdPrefix.length);
    const parsed = parseCommand(sub, payload, this.#pages());
    if (packet.retain) {
      // A retained command would replay on every reconnect (a preset job each restart): never act on one.
      log.warn({ command: sub.slice(0, 40) }, 'mqtt device: ignored a retained command');
      if (parsed.ok && parsed.command.name === 'preset') {
        this.#refusePress(parsed.command.presetId, 'retained command').catch((err: Error) =>
          log.warn({ err: err.message }, 'mqtt device: could not audit a refused press'),
        );
      }
      return;
    }
    if (!parsed.ok) {
      log.warn({ error: parsed.error }, 'mqtt device: ignored an invalid command');
      return;
    }
    void this.#run(parsed.command).catch((err: Error) => log.warn({ command: parsed.command.name, err: err.message }, 'mqtt device: command failed'));
  }

  /** Every command is in the audit log before it takes effect (the same rule as the HTTP routes). */
  async #run(cmd: DeviceCommand): Promise<void> {
    const { ports, log } = this.o;
    if (cmd.name === 'night_mode' || cmd.name === 'page') {
      const change = cmd.name === 'night_mode' ? { nightMode: cmd.on } : { page: cmd.page };
      const { principal } = await ports.principal();
      ports.audit({ actor: principal, action: 'kiosk.control.changed', detail: { via: 'mqtt', ...change } });
      await ports.kiosk.set(change);
      return;
    }
    if (cmd.name === 'screen' || cmd.name === 'wake' || cmd.name === 'presence') {
      const { principal } = await ports.principal();
      const detail = cmd.name === 'wake' ? {} : { on: cmd.on };
      ports.audit({ actor: principal, action: `kiosk.${cmd.name}`, detail: { via: 'mqtt', ...detail } });
      if (cmd.name === 'wake') ports.screen.wake();
      else if (cmd.name === 'presence') ports.screen.presence(cmd.on);
      else if (cmd.on) ports.screen.wake();
      else ports.screen.sleep();
      return;
    }
    const { principal, revoked } = await ports.principal();
    const target = `preset:${cmd.presetId}`;
    if (revoked) {
      log.warn({ preset: cmd.presetId }, 'mqtt device: preset button pressed but the Home Assistant device is revoked');
      await this.#refusePress(cmd.presetId, 'device revoked');
      return;
    }
    ports.audit({ actor: principal, action: 'presets.run', target, detail: { via: 'mqtt', preset: cmd.presetId } });
    try {
      const job = await ports.presets.run(cmd.presetId, principal);
      log.info({ preset: cmd.presetId, job: job.id }, 'mqtt device: preset started from Home Assistant');
    } catch (err) {
      ports.audit({ actor: principal, action: 'presets.run', target, outcome: 'failed', detail: { via: 'mqtt', error: (err as Error).message.slice(0, 200) } });
      throw err;
    }
  }

  /** A press that is not acted on still goes into the audit log: someone or something tried. */
  async #refusePress(presetId: number, reason: string): Promise<void> {
    const { principal } = await this.o.ports.principal();
    this.o.ports.audit({ actor: principal, action: 'presets.run', target: `preset:${presetId}`, outcome: 'denied', detail: { via: 'mqtt', reason } });
  }

  #poll(): void {
    const signature = this.#currentSignature();
    if (signature !== this.#signature)
      void this.#queueDiscovery().catch((err: Error) => this.o.log.error({ err: err.message }, 'mqtt device: discovery update failed'));
    void this.#publishState();
  }

  async #publishState(force = false): Promise<void> {
    const { mqtt, ports, log } = this.o;
    if (!mqtt.connected || this.#stopped) return;
    let text: string;
    try {
      text = statePayload({ ...ports.state(), kiosk: ports.kiosk.get(), kioskMode: ports.screen.mode() });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'mqtt device: could not read the state');
      return;
    }
    if (!force && text === this.#lastState) return;
    this.#lastState = text;
    await mqtt.publishAsync(this.#t.state, text, { qos: 1, retain: true }).catch(() => {
      this.#lastState = null; // try again next poll
    });
  }

  /** Discovery runs one at a time: triggers (connect, HA birth, a preset added or deleted) may overlap. */
  #queueDiscovery(force = false): Promise<void> {
    const run = async () => {
      const { mqtt, ports, log } = this.o;
      if (!mqtt.connected || this.#stopped) return;
      const presets = ports.presets.list();
      const pages = this.#pages();
      const signature = signatureOf(presets, pages);
      if (!force && signature === this.#signature) return;
      const plan = planDiscovery(
        ports.record.read(),
        {
          prefix: this.o.discoveryPrefix,
          nodeId: NODE_ID,
          device: this.#device(),
          origin: this.#origin(),
          entities: applianceEntities({ presets, kioskPages: pages }),
        },
        this.discoveryMode,
      );
      for (const m of plan.messages) await mqtt.publishAsync(m.topic, m.payload, { qos: 1, retain: true });
      await ports.record.write(plan.record);
      this.#signature = signature;
      log.info(
        { mode: this.discoveryMode, entities: plan.record.entities.length, cleared: plan.messages.filter((m) => m.payload === '').length },
        'mqtt device: published Home Assistant discovery',
      );
    };
    this.#discoveryChain = this.#discoveryChain.then(run, run);
    return this.#discoveryChain;
  }

  #currentSignature(): string | null {
    try {
      return signatureOf(this.o.ports.presets.list(), this.#pages());
    } catch {
      return this.#signature;
    }
  }

  /** The select's options: the known pages, plus the current one so HA never sees a state outside them. */
  #pages(): string[] {
    const current = this.o.ports.kiosk.get().page;
    return this.o.kioskPages.includes(current) ? [...this.o.kioskPages] : [...this.o.kioskPages, current];
  }

  #device(): HaDevice {
    return {
      identifiers: [NODE_ID],
      name: 'Hearth',
      manufacturer: 'Hearth',
      model: 'Hearth appliance',
      sw_version: this.o.version,
      ...(this.o.configurationUrl ? { configuration_url: this.o.configurationUrl } : {}),
    };
  }

  #origin(): HaOrigin {
    return { name: 'hearth-appliance', sw_version: this.o.version };
  }

  #later(ms: number, fn: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) fn().catch((err: Error) => this.o.log.error({ err: err.message }, 'mqtt device: delayed publish failed'));
    }, ms);
    this.#timers.add(timer);
  }
}

const signatureOf = (presets: Array<{ id: number; name: string }>, pages: string[]) => JSON.stringify([presets.map((p) => [p.id, p.name]), pages]);

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
