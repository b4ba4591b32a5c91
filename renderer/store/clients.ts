import type { ClientExport, ClientId, ClientInstall, ClientsInfo, ExportMode } from '../../shared/contract.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

export interface ClientsSlice {
  info: ClientsInfo | null;
  mode: ExportMode;
  exports: Partial<Record<ClientId, ClientExport>>;
  lastInstall: ClientInstall | null;
  refresh(): Promise<void>;
  setMode(mode: ExportMode): void;
  loadExport(client: ClientId): Promise<void>;
  install(client: ClientId): Promise<void>;
  /** The config with a token made for it (the client made if needed): the text to copy. */
  mintExport(client: ClientId): Promise<string | undefined>;
  regenerateToken(): Promise<string | undefined>;
}

export function createClientsSlice({ api, get, patch }: SliceContext, onToken: (token: string) => void): ClientsSlice {
  const attempt = <T>(what: string, action: () => Promise<T>) => get().app.attempt(what, action);
  return {
    info: null,
    mode: 'gateway',
    exports: {},
    lastInstall: null,
    refresh: async () => {
      const info = await attempt('read the clients', () => call(api, 'clients.info'));
      if (info) patch('clients', { info });
    },
    setMode: (mode) => {
      patch('clients', { mode, exports: {} });
      for (const client of get().clients.info?.clients ?? []) void get().clients.loadExport(client.id);
    },
    loadExport: async (client) => {
      const mode = get().clients.mode;
      const exported = await attempt('export the config', () => call(api, 'clients.export', { client, mode }));
      if (exported && get().clients.mode === mode) patch('clients', (clients) => ({ exports: { ...clients.exports, [client]: exported } }));
    },
    mintExport: async (client) => {
      const exported = await attempt('make the config', () => call(api, 'clients.export', { client, mode: get().clients.mode, mint: true }));
      if (!exported) return undefined;
      for (const warning of exported.warnings.filter((text) => text.startsWith('made the Switchboard client') || text.startsWith('a new token'))) get().app.toast('info', warning);
      void get().access.refresh();
      return exported.text;
    },
    install: async (client) => {
      const installed = await attempt('install the config', () => call(api, 'clients.install', { client, mode: get().clients.mode }));
      if (!installed) return;
      patch('clients', { lastInstall: installed });
      get().app.toast('info', installed.unchanged ? `${installed.file} already has this entry` : `Wrote ${installed.file}${installed.backup ? ` (backup: ${installed.backup})` : ''}`);
      void get().clients.refresh();
    },
    regenerateToken: async () => {
      const result = await attempt('regenerate the token', () => call(api, 'clients.regenerateToken'));
      if (!result) return undefined;
      onToken(result.token);
      get().app.toast('info', 'New token: update the clients that use the old one (their exported configs below have the new one).');
      await get().clients.refresh();
      patch('clients', { exports: {} });
      for (const client of get().clients.info?.clients ?? []) void get().clients.loadExport(client.id);
      return result.token;
    },
  };
}
