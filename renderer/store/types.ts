import type { StoreApi } from 'zustand';
import type { Bridge } from '../bridge/index.ts';
import type { AccessSlice } from './access.ts';
import type { AppSlice } from './app.ts';
import type { CatalogSlice } from './catalog.ts';
import type { ClientsSlice } from './clients.ts';
import type { DialogsSlice } from './dialogs.ts';
import type { HistorySlice } from './history.ts';
import type { LogsSlice } from './logs.ts';
import type { PlaygroundSlice } from './playground.ts';
import type { ServersSlice } from './servers.ts';
import type { TerminalsSlice } from './terminals.ts';
import type { TracesSlice } from './traces.ts';

/** The whole UI state: one slice per feature. */
export interface AppState {
  app: AppSlice;
  servers: ServersSlice;
  catalog: CatalogSlice;
  playground: PlaygroundSlice;
  history: HistorySlice;
  logs: LogsSlice;
  traces: TracesSlice;
  clients: ClientsSlice;
  terminals: TerminalsSlice;
  dialogs: DialogsSlice;
  access: AccessSlice;
}

export type Set = StoreApi<AppState>['setState'];
export type Get = StoreApi<AppState>['getState'];

/** What every slice factory gets. */
export interface SliceContext {
  set: Set;
  get: Get;
  api: Bridge;
  /** Replaces part of one slice (a new object: components that select it re-render). */
  patch<K extends keyof AppState>(slice: K, part: Partial<AppState[K]> | ((current: AppState[K]) => Partial<AppState[K]>)): void;
}
