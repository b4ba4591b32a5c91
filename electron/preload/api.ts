/**
 * What the preload exposes to the renderer as `window.switchboard`, and the one IPC channel behind it.
 * A stand-in until the typed contract lands in shared/: keep it small, keep it keyed by method.
 * Type-only imports and constants: the sandboxed preload bundles this file, main imports it.
 */
import type { HealthReport, ServerStatus } from '../../shared/model.ts';

/** The single channel every renderer call travels on. */
export const INVOKE_CHANNEL = 'switchboard:invoke';

/** The command-line switch through which main hands the app version to the sandboxed preload. */
export const VERSION_SWITCH = '--switchboard-version=';

/** Every method the window may call, keyed by name: its arguments and its result. */
export interface InvokeMethods {
  health: { args: undefined; result: HealthReport };
  'servers.list': { args: undefined; result: ServerStatus[] };
  'servers.start': { args: { name: string }; result: null };
  'servers.stop': { args: { name: string }; result: null };
  'servers.restart': { args: { name: string }; result: null };
}

export type InvokeMethod = keyof InvokeMethods;

/** Why a call failed, as a closed union the UI can switch over. */
export type InvokeErrorCode = 'forbidden' | 'unknown-method' | 'invalid-args' | 'failed';

/** The envelope every call resolves with, so the UI shows our message, not "Error invoking remote method". */
export type InvokeResult<M extends InvokeMethod> =
  | { ok: true; value: InvokeMethods[M]['result'] }
  | { ok: false; error: { code: InvokeErrorCode; message: string } };

/** `window.switchboard`. */
export interface SwitchboardBridge {
  /** The app version. */
  readonly version: string;
  invoke<M extends InvokeMethod>(method: M, ...args: InvokeMethods[M]['args'] extends undefined ? [] : [InvokeMethods[M]['args']]): Promise<InvokeResult<M>>;
}
