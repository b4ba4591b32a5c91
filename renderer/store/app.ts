import type { AppInfo } from '../../shared/contract.ts';
import type { ConnectionState } from '../bridge/index.ts';
import { call, messageOf } from './call.ts';
import type { SliceContext } from './types.ts';

export const PAGES = ['servers', 'playground', 'logs', 'traces', 'metrics', 'clients', 'audit', 'terminal'] as const;
export type Page = (typeof PAGES)[number];
export type Theme = 'system' | 'light' | 'dark';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  message: string;
  /** The same message again while it is shown: counted, not stacked. */
  count: number;
}

/** How long a toast stays: a note briefly, an error long enough to read (the Logs page keeps it anyway). */
export const TOAST_MS = { info: 4000, error: 12_000 } as const;

export interface AppSlice {
  connection: ConnectionState;
  info: AppInfo | null;
  page: Page;
  theme: Theme;
  toasts: Toast[];
  setConnection(state: ConnectionState): void;
  navigate(page: Page): void;
  setTheme(theme: Theme): void;
  toast(kind: Toast['kind'], message: string): void;
  dismissToast(id: number): void;
  loadInfo(): Promise<void>;
  /** Runs an action; a failure becomes an error toast instead of an unhandled rejection. */
  attempt<T>(what: string, action: () => Promise<T>): Promise<T | undefined>;
}

let nextToast = 1;

export function isPage(value: string): value is Page {
  return (PAGES as readonly string[]).includes(value);
}

export function createAppSlice({ api, get, patch }: SliceContext, initial: { page: Page; theme: Theme }): AppSlice {
  return {
    connection: api.state,
    info: null,
    page: initial.page,
    theme: initial.theme,
    toasts: [],
    setConnection: (connection) => patch('app', { connection }),
    navigate: (page) => patch('app', { page }),
    setTheme: (theme) => patch('app', { theme }),
    toast: (kind, message) => {
      const same = get().app.toasts.find((toast) => toast.kind === kind && toast.message === message);
      const id = nextToast++;
      // A repeat replaces the one shown (with its count), so a failing poll does not fill the screen.
      patch('app', (app) => ({
        toasts: [...app.toasts.filter((toast) => toast !== same).slice(-2), { id, kind, message, count: (same?.count ?? 0) + 1 }],
      }));
      setTimeout(() => get().app.dismissToast(id), TOAST_MS[kind]);
    },
    dismissToast: (id) => patch('app', (app) => ({ toasts: app.toasts.filter((toast) => toast.id !== id) })),
    loadInfo: async () => {
      const info = await get().app.attempt('read the app info', () => call(api, 'app.info'));
      if (info) patch('app', { info });
    },
    attempt: async (what, action) => {
      try {
        return await action();
      } catch (error) {
        get().app.toast('error', `Could not ${what}: ${messageOf(error)}`);
        return undefined;
      }
    },
  };
}
