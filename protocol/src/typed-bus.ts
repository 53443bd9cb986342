/**
 * A typed in-process event bus: `Events` maps each event name to its payload. The appliance's
 * `DomainBus` and the agent's `AgentBus` are this with their own event maps.
 * Delivery is synchronous, in subscription order; a listener that throws is reported to
 * `onListenerError` and never stops the publisher or the other listeners.
 */
export class TypedBus<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  constructor(private readonly onListenerError: (event: keyof Events, err: unknown) => void = () => {}) {}

  /** Returns the unsubscribe function. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    // A listener subscribed twice is called twice, as with EventEmitter: wrap to keep entries distinct.
    const entry = (payload: Events[K]) => listener(payload);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    // A copy: listeners may unsubscribe (or subscribe others) while the event is delivered.
    for (const listener of [...set] as ((payload: Events[K]) => void)[]) {
      try {
        listener(payload);
      } catch (err) {
        this.onListenerError(event, err);
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
