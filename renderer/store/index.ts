import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Bridge } from '../bridge/index.ts';
import { createAccessSlice } from './access.ts';
import { createAppSlice, type Page, type Theme } from './app.ts';
import { createCatalogSlice } from './catalog.ts';
import { createClientsSlice } from './clients.ts';
import { createDialogsSlice } from './dialogs.ts';
import { createHistorySlice } from './history.ts';
import { createLogsSlice } from './logs.ts';
import { createPlaygroundSlice } from './playground.ts';
import { createServersSlice } from './servers.ts';
import { createTerminalsSlice, terminalOutput } from './terminals.ts';
import { createTracesSlice } from './traces.ts';
import type { AppState, SliceContext } from './types.ts';

export type { AppState } from './types.ts';
export type AppStore = StoreApi<AppState>;

export interface StoreOptions {
  page?: Page;
  theme?: Theme;
  /** A regenerated token: the browser bridge re-signs its cookie with it. */
  onToken?: (token: string) => void;
}

/** The UI's one store, over a bridge: a slice per feature. */
export function createAppStore(api: Bridge, options: StoreOptions = {}): AppStore {
  return createStore<AppState>()((set, get) => {
    const context: SliceContext = {
      set,
      get,
      api,
      patch: (slice, part) => set((state) => ({ [slice]: { ...state[slice], ...(typeof part === 'function' ? part(state[slice]) : part) } }) as Partial<AppState>),
    };
    return {
      app: createAppSlice(context, { page: options.page ?? 'servers', theme: options.theme ?? 'system' }),
      servers: createServersSlice(context),
      catalog: createCatalogSlice(context),
      playground: createPlaygroundSlice(context),
      history: createHistorySlice(context),
      logs: createLogsSlice(context),
      traces: createTracesSlice(context),
      clients: createClientsSlice(context, options.onToken ?? (() => {})),
      terminals: createTerminalsSlice(context),
      dialogs: createDialogsSlice(context),
      access: createAccessSlice(context),
    };
  });
}

/**
 * Bridge events go to store actions here, outside React. Returns the unsubscribe. High-rate events (log lines,
 * terminal output) are batched by the core; terminal output bypasses the store.
 */
export function wireEvents(api: Bridge, store: AppStore): () => void {
  const state = () => store.getState();
  let tracesTimer: ReturnType<typeof setTimeout> | undefined;
  const offs = [
    api.on('servers.changed', ({ statuses }) => state().servers.setStatuses(statuses)),
    api.on('catalog.changed', () => void state().catalog.refresh()),
    api.on('config.changed', ({ problems }) => {
      if (problems.length) state().app.toast('error', `mcp.json was edited but cannot be used; the last good config keeps running:\n${problems.join('\n')}`);
      void state().servers.refreshConfig(problems);
    }),
    api.on('logs.appended', ({ items, skipped }) => state().logs.append(items, skipped)),
    api.on('traces.appended', () => {
      // The list refreshes at most once a second, and only once it was shown.
      if (!state().traces.loaded) return;
      tracesTimer ??= setTimeout(() => {
        tracesTimer = undefined;
        void state().traces.refresh();
      }, 1000);
    }),
    api.on('history.appended', ({ entry }) => state().history.prepend(entry)),
    api.on('tools.progress', (payload) => state().playground.onProgress(payload)),
    api.on('dialogs.request', (request) => state().dialogs.push(request)),
    api.on('dialogs.closed', ({ requestId }) => state().dialogs.remove(requestId)),
    api.on('approvals.changed', ({ approvals }) => state().access.setApprovals(approvals)),
    api.on('access.changed', () => {
      if (state().access.loaded) void state().access.refresh();
    }),
    api.on('terminal.data', ({ id, data }) => terminalOutput.write(id, data)),
    api.on('terminal.exit', ({ id, exitCode }) => state().terminals.markExited(id, exitCode)),
    api.onState((connection) => {
      const previous = state().app.connection;
      state().app.setConnection(connection);
      if (connection === 'online' && previous !== 'online') void refreshAll(store);
      if (connection !== 'online' && previous === 'online') state().terminals.markAllClosed();
    }),
  ];
  return () => {
    clearTimeout(tracesTimer);
    for (const off of offs) off();
  };
}

/** Everything a page shows, fetched again (at start and after a reconnect). */
export async function refreshAll(store: AppStore): Promise<void> {
  const state = store.getState();
  await Promise.all([state.app.loadInfo(), state.servers.refresh(), state.catalog.refresh(), state.history.refresh(), state.logs.reload(), state.servers.loadFirstRun(), state.access.loadApprovals()]);
  if (store.getState().traces.loaded) await store.getState().traces.refresh();
}

export const StoreContext = createContext<AppStore | null>(null);

/** Selects the smallest piece of state a component needs. */
export function useApp<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside the StoreContext');
  return useStore(store, selector);
}

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside the StoreContext');
  return store;
}
