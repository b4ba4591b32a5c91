/**
 * What the preload exposes to the renderer as `window.switchboard`, and the IPC channels behind it: the contract
 * of shared/contract.ts, carried over Electron IPC. Type-only imports and constants: the sandboxed preload bundles
 * this file, main imports it.
 */
import type { CallArgs, Envelope, EventMessage, Method, ResultOf } from '../../shared/contract.ts';

/** The channel every renderer call travels on. */
export const INVOKE_CHANNEL = 'switchboard:invoke';
/** The channel main pushes events on. */
export const EVENT_CHANNEL = 'switchboard:event';
/** The renderer listens for events now: main sends what it queued until then. */
export const READY_CHANNEL = 'switchboard:ready';

/** The command-line switch through which main hands the app version to the sandboxed preload. */
export const VERSION_SWITCH = '--switchboard-version=';

/** `window.switchboard`: the contract's calls and events, nothing else of Electron. */
export interface SwitchboardBridge {
  /** The app version. */
  readonly version: string;
  /** Calls a method of the contract; resolves with its envelope, never rejects. */
  invoke<M extends Method>(method: M, ...args: CallArgs<M>): Promise<Envelope<ResultOf<M>>>;
  /**
   * Receives every event of the contract. The first subscription tells main the window is ready: events that
   * happened before (while the page loaded) arrive then, in order. Returns the unsubscribe.
   */
  onEvent(listener: (message: EventMessage) => void): () => void;
}
