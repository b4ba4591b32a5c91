import type { SwitchboardApi } from '../../shared/contract.ts';

/** The state of the connection to the core. */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'signed-out';

/** A bridge: the contract's API, plus its connection state (the IPC bridge is always online). */
export interface Bridge extends SwitchboardApi {
  readonly kind: 'ipc' | 'websocket';
  readonly state: ConnectionState;
  /** Called on every state change; `online` after `offline` means "refetch everything". */
  onState(listener: (state: ConnectionState) => void): () => void;
}
