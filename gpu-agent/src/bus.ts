import { EventEmitter } from 'node:events';
import type { BackendsView, Capability, JobProgress, JobType } from '@hearth/protocol';
import type { TelemetrySnapshot } from './telemetry/gpu-sample.js';

export interface JobEvent {
  jobId: string;
  type: JobType;
}

/** Every event extensions exchange inside one agent process, with its payload. */
export interface AgentEvents {
  /** A telemetry snapshot that passed the publish policy (deadband / max interval). */
  telemetry: TelemetrySnapshot;
  'job.started': JobEvent;
  'job.progress': JobEvent & { progress: JobProgress };
  'job.succeeded': JobEvent;
  'job.failed': JobEvent & { error: string };
  /** Commands from Home Assistant / the appliance, already validated. */
  'command.suspend': Record<string, never>;
  'command.restart-worker': Record<string, never>;
  'command.free-vram': Record<string, never>;
  'accepting.changed': boolean;
  'capabilities.changed': Capability[];
  /** The backend settings (or the checkpoints their ComfyUI lists) changed: re-announce. */
  'backends.changed': BackendsView;
}

export type AgentEventName = keyof AgentEvents;

/** A typed in-process event bus; listeners that throw are logged by the caller's emitter, never crash it. */
export class AgentBus {
  readonly #emitter = new EventEmitter();

  constructor(private readonly onListenerError: (event: string, err: unknown) => void = () => {}) {
    this.#emitter.setMaxListeners(50);
  }

  on<K extends AgentEventName>(event: K, listener: (payload: AgentEvents[K]) => void): () => void {
    const safe = (payload: AgentEvents[K]) => {
      try {
        listener(payload);
      } catch (err) {
        this.onListenerError(event, err);
      }
    };
    this.#emitter.on(event, safe);
    return () => this.#emitter.off(event, safe);
  }

  emit<K extends AgentEventName>(event: K, payload: AgentEvents[K]): void {
    this.#emitter.emit(event, payload);
  }
}
