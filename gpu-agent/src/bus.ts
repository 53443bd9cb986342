import { TypedBus, type AgentVoice, type Capability, type JobProgress, type JobType } from '@hearth/protocol';
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
  'voices.changed': AgentVoice[];
}

export type AgentEventName = keyof AgentEvents;

/** The agent's typed in-process event bus: extensions talk only through it. */
export class AgentBus extends TypedBus<AgentEvents> {}
