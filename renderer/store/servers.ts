import type { ConfigView, FirstRunOffer, ImportPreview, JsonObject } from '../../shared/contract.ts';
import type { ServerStatus } from '../../shared/model.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

export type ServerAction = 'start' | 'stop' | 'restart' | 'enable' | 'disable' | 'remove';

export interface ServersSlice {
  statuses: ServerStatus[];
  config: ConfigView | null;
  /** The last invalid edit of mcp.json made outside the window (the last good config keeps running). */
  configProblems: string[];
  loaded: boolean;
  firstRun: FirstRunOffer['claudeDesktop'];
  /** Servers with an action in flight. */
  busy: Record<string, ServerAction>;
  refresh(): Promise<void>;
  setStatuses(statuses: ServerStatus[]): void;
  refreshConfig(problems?: string[]): Promise<void>;
  act(action: ServerAction, name: string): Promise<void>;
  validate(name: string, entry: JsonObject, replacing?: string): Promise<string[]>;
  save(name: string, entry: JsonObject, replacing?: string): Promise<boolean>;
  previewImport(text: string, fileName: string): Promise<ImportPreview | undefined>;
  importServers(servers: Record<string, JsonObject>, replace: boolean, moveSecrets?: boolean): Promise<boolean>;
  loadFirstRun(): Promise<void>;
  answerFirstRun(accept: boolean): Promise<void>;
}

export function createServersSlice({ api, get, patch }: SliceContext): ServersSlice {
  const attempt = <T>(what: string, action: () => Promise<T>) => get().app.attempt(what, action);
  return {
    statuses: [],
    config: null,
    configProblems: [],
    loaded: false,
    firstRun: null,
    busy: {},
    refresh: async () => {
      const [statuses, config] = await Promise.all([attempt('list the servers', () => call(api, 'servers.list')), attempt('read the config', () => call(api, 'config.get'))]);
      // The file's own problems come with it: a window opened on an invalid file says so at once.
      patch('servers', { ...(statuses ? { statuses } : {}), ...(config ? { config, configProblems: config.problems } : {}), loaded: true });
    },
    setStatuses: (statuses) => patch('servers', { statuses }),
    refreshConfig: async (problems) => {
      if (problems !== undefined) patch('servers', { configProblems: problems });
      if (problems && problems.length > 0) return; // The file is invalid: what runs is still the last good config.
      const config = await attempt('read the config', () => call(api, 'config.get'));
      if (config) patch('servers', { config });
    },
    act: async (action, name) => {
      patch('servers', (servers) => ({ busy: { ...servers.busy, [name]: action } }));
      try {
        await attempt(`${action} ${name}`, async () => {
          if (action === 'enable' || action === 'disable') await call(api, 'config.setEnabled', { name, enabled: action === 'enable' });
          else if (action === 'remove') await call(api, 'config.removeServer', { name });
          else await call(api, `servers.${action}`, { name });
        });
      } finally {
        patch('servers', (servers) => {
          const { [name]: _done, ...busy } = servers.busy;
          return { busy };
        });
      }
    },
    validate: async (name, entry, replacing) => {
      const result = await api.invoke('config.validateServer', { name, entry, replacing });
      return result.ok ? result.value.problems : [result.error.message];
    },
    save: async (name, entry, replacing) => {
      const done = await attempt(`save ${name || 'the server'}`, () => call(api, 'config.setServer', { name, entry, replacing }));
      if (done === undefined) return false;
      get().app.toast('info', replacing === undefined ? `Added ${name}` : `Saved ${name}`);
      return true;
    },
    previewImport: (text, fileName) => attempt('read that config', () => call(api, 'config.previewImport', { text, fileName })),
    importServers: async (servers, replace, moveSecrets) => {
      const result = await attempt('import the servers', () => call(api, 'config.import', { servers, replace, moveSecrets: moveSecrets === true }));
      if (!result) return false;
      const names = [...result.added, ...result.replaced];
      const moved = result.movedSecrets.length ? ` (${result.movedSecrets.length} secret value${result.movedSecrets.length === 1 ? '' : 's'} kept in the keychain, not in mcp.json)` : '';
      get().app.toast('info', names.length ? `Imported ${names.join(', ')}${moved}` : 'Nothing new to import');
      return true;
    },
    loadFirstRun: async () => {
      const offer = await attempt('look for Claude Desktop’s config', () => call(api, 'config.firstRun'));
      patch('servers', { firstRun: offer?.claudeDesktop ?? null });
    },
    answerFirstRun: async (accept) => {
      patch('servers', { firstRun: null });
      const result = await attempt('import Claude Desktop’s servers', () => call(api, 'config.answerFirstRun', { accept }));
      if (result && result.added.length) get().app.toast('info', `Imported ${result.added.join(', ')} from Claude Desktop`);
    },
  };
}
