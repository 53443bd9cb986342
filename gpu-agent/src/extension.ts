/** A part of the agent with a lifetime (modelled on zigbee2mqtt's extensions). */
export interface Extension {
  /** Name used in logs. */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
