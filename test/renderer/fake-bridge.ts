import type { CallArgs, Envelope, EventMessage, Events, Method, ResultOf } from '../../shared/contract.ts';
import type { Bridge, ConnectionState } from '../../renderer/bridge/index.ts';
import { EventListeners } from '../../renderer/bridge/listeners.ts';

type Handler<M extends Method> = (args: CallArgs<M>[0]) => ResultOf<M> | Promise<ResultOf<M>>;

/** A bridge whose methods the test answers, recording every call; `emit` plays a core event. */
export class FakeBridge implements Bridge {
  readonly kind = 'ipc' as const;
  state: ConnectionState = 'online';
  readonly calls: { method: Method; args: unknown }[] = [];
  private readonly handlers = new Map<Method, (args: unknown) => unknown>();
  private readonly listeners = new EventListeners();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();

  handle<M extends Method>(method: M, handler: Handler<M>): this {
    this.handlers.set(method, handler as (args: unknown) => unknown);
    return this;
  }

  async invoke<M extends Method>(method: M, ...args: CallArgs<M>): Promise<Envelope<ResultOf<M>>> {
    this.calls.push({ method, args: args[0] });
    const handler = this.handlers.get(method);
    if (!handler) return { ok: false, error: { code: 'failed', message: `no fake for ${method}` } };
    try {
      return { ok: true, value: (await handler(args[0])) as ResultOf<M> };
    } catch (error) {
      return { ok: false, error: { code: 'failed', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  on: Bridge['on'] = (event, listener) => this.listeners.on(event, listener);

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => void this.stateListeners.delete(listener);
  }

  emit<E extends keyof Events>(name: E, payload: Events[E]): void {
    this.listeners.dispatch({ name, payload } as EventMessage);
  }

  setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  callsOf(method: Method): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }
}
