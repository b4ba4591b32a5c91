import type { Envelope, EventMessage, Method, ResultOf, CallArgs } from '../../shared/contract.ts';
import { EventListeners } from './listeners.ts';
import type { Bridge, ConnectionState } from './types.ts';

/** What the Electron preload exposes as `window.switchboard` (see electron/preload/api.ts). */
export interface PreloadBridge {
  readonly version: string;
  invoke(method: string, args?: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}

/** The desktop window's bridge: the preload's one object. */
export function ipcBridge(preload: PreloadBridge): Bridge {
  const listeners = new EventListeners();
  preload.onEvent((message) => listeners.dispatch(message));
  return {
    kind: 'ipc',
    state: 'online' as ConnectionState,
    invoke: <M extends Method>(method: M, ...args: CallArgs<M>) => preload.invoke(method, args[0]) as Promise<Envelope<ResultOf<M>>>,
    on: (event, listener) => listeners.on(event, listener),
    onState: () => () => {},
  };
}
