import type { EventMessage, EventName, Events } from '../../shared/contract.ts';

/** Listeners by event name, for a bridge that receives every event on one channel. */
export class EventListeners {
  private readonly byName = new Map<EventName, Set<(payload: never) => void>>();

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.byName.get(event);
    if (!set) this.byName.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  }

  dispatch(message: EventMessage): void {
    for (const listener of [...(this.byName.get(message.name) ?? [])]) {
      try {
        (listener as (payload: unknown) => void)(message.payload);
      } catch (error) {
        console.error(`a listener of ${message.name} failed`, error);
      }
    }
  }
}
