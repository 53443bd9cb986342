import type { KioskCameraEvent, KioskDoorbellSettings } from '@hearth/protocol';

/** States an entity passes through that are no news (HA starting, a device dropping off). */
const NOT_NEWS = new Set(['unavailable', 'unknown', '']);

/**
 * Turns the doorbell entity's state changes into rings: an `event` entity rings on every new
 * event (its state is the event's time), a binary_sensor / input_boolean when it turns on.
 */
export class Doorbell {
  #settings: KioskDoorbellSettings | undefined;
  #last: string | undefined;

  constructor(private readonly ring: (camera: KioskCameraEvent) => void) {}

  configure(settings: KioskDoorbellSettings | undefined): void {
    if (settings?.entityId !== this.#settings?.entityId) this.#last = undefined;
    this.#settings = settings;
  }

  get camera(): string | undefined {
    return this.#settings?.cameraEntityId;
  }

  state(entityId: string, state: string): void {
    const s = this.#settings;
    if (!s || entityId !== s.entityId) return;
    const before = this.#last;
    this.#last = state;
    if (NOT_NEWS.has(state) || state === before) return;
    const rings = entityId.startsWith('event.') ? before !== undefined : state === 'on';
    if (rings) this.ring({ cameraEntityId: s.cameraEntityId, showS: s.showS });
  }
}
