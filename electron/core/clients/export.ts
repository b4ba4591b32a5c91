import type { ServerConfig } from '../config/schema.ts';
import type { ClientRegistry } from '../store/clients.ts';
import { expandVariables, type HostVariables } from '../supervisor/launch.ts';
import { DIALECTS, writeRemoteEntry, writeStdioEntry, type ClientDialect, type ClientId } from './dialects.ts';

/** The name of the one entry a gateway export writes. */
export const GATEWAY_ENTRY_NAME = 'switchboard';

/** How to run the `switchboard` command from a client: absolute paths, since a GUI app's PATH is bare. */
export interface Launcher {
  command: string;
  args: readonly string[];
  /** Extra variables the command needs (Electron's ELECTRON_RUN_AS_NODE when the app runs the CLI). */
  env?: Readonly<Record<string, string>>;
}

/** One entry for every client, pointing at the running Switchboard. */
export interface GatewayExportOptions {
  client: ClientId;
  mode: 'gateway';
  endpoint: {
    url: string;
    /** What a remote entry sends: the Switchboard client's own token (made for this export). */
    token: string;
    /**
     * The URL was given explicitly: the stdio bridge gets it with `--url`. Otherwise the bridge finds the
     * running Switchboard through the data dir, which survives a port change.
     */
    pinned?: boolean;
  };
  launcher: Launcher;
  dataDir: string;
  /**
   * The Switchboard client the entry is for (its profile applies). The stdio bridge acts as it with the data dir's
   * token, which it reads at each start, so rotating the client's token or the data dir's never breaks it.
   */
  clientName: string;
  /** The admin token for the bridge's env, only where the data dir does not hold it (it came from SWITCHBOARD_TOKEN). */
  bridgeToken?: string;
}

/** Every enabled server of our config, written for the client to run itself. */
export interface DirectExportOptions {
  client: ClientId;
  mode: 'direct';
  servers: Iterable<ServerConfig>;
  /** Values of our `${switchboard:...}` and `${userHome}` variables: clients do not know them. */
  variables: HostVariables;
  /** For `${env:NAME}`. */
  env: NodeJS.ProcessEnv;
}

export type ExportOptions = GatewayExportOptions | DirectExportOptions;

export interface ExportResult {
  /** The whole file for that client: `{ mcpServers: {...} }` (VS Code: `{ servers: {...} }`). */
  config: Record<string, Record<string, Record<string, unknown>>>;
  /** The entries alone, by name (what an install merges into the client's file). */
  entries: Record<string, Record<string, unknown>>;
  /** What was left out or will not behave as it does in Switchboard, one sentence each. */
  warnings: string[];
}

/** What a remote entry shows where its token goes, until one is made for it. */
export const TOKEN_PLACEHOLDER = 'TOKEN-MADE-WHEN-YOU-INSTALL-OR-COPY';

/**
 * The token a gateway entry of the app `client` acting as the Switchboard client `name` writes. The stdio bridge
 * needs none (it reads the data dir's). A remote entry gets the client's own: when `mint`, a new one (the client is
 * made, with a profile that sees everything, if it does not exist; an existing one's old token stops working), else
 * the placeholder. `note` says what happened, for the person.
 */
export function clientTokenFor(registry: ClientRegistry, client: ClientId, name: string, mint: boolean, installed?: Record<string, unknown>): { token: string; note?: string } {
  if (!DIALECTS[client].remote) {
    if (!mint || registry.get(name)) return { token: '' };
    registry.add(name, {});
    return { token: '', note: `made the Switchboard client "${name}" (it sees every server; limit it in the Clients page or with \`switchboard clients set ${name}\`)` };
  }
  if (!mint) return { token: TOKEN_PLACEHOLDER };
  // Installed before, with a token of this client that still works: it is kept (installing again changes nothing).
  const header = (installed?.headers as Record<string, unknown> | undefined)?.Authorization;
  const kept = typeof header === 'string' ? /^Bearer (sbc_\S+)$/.exec(header)?.[1] : undefined;
  if (kept) {
    const owner = registry.owner(kept);
    if (owner.kind === 'client' && owner.client.name === name) return { token: kept };
  }
  if (registry.get(name)) return { token: registry.rotate(name).token, note: `a new token for the Switchboard client "${name}": the one it had before stops working now` };
  return { token: registry.add(name, {}).token, note: `made the Switchboard client "${name}" (it sees every server; limit it in the Clients page or with \`switchboard clients set ${name}\`)` };
}

/** The MCP config for a client, in its dialect. */
export function exportConfig(options: ExportOptions): ExportResult {
  const dialect = DIALECTS[options.client];
  const warnings: string[] = [];
  const entries = options.mode === 'gateway' ? { [GATEWAY_ENTRY_NAME]: gatewayEntry(dialect, options) } : directEntries(dialect, options, warnings);
  return { config: { [dialect.topKey]: entries }, entries, warnings };
}

function gatewayEntry(dialect: ClientDialect, options: GatewayExportOptions): Record<string, unknown> {
  const { url, token, pinned } = options.endpoint;
  if (!dialect.remote) {
    // Claude Desktop launches only stdio servers: it gets the bridge, `switchboard connect`.
    return writeStdioEntry(dialect, {
      command: options.launcher.command,
      args: [...options.launcher.args, 'connect', '--data-dir', options.dataDir, '--client', options.clientName, ...(pinned ? ['--url', url] : [])],
      env: { ...(options.bridgeToken ? { SWITCHBOARD_TOKEN: options.bridgeToken } : {}), ...options.launcher.env },
    });
  }
  return writeRemoteEntry(dialect, { url, headers: { Authorization: `Bearer ${token}` }, transport: 'http' }) ?? {};
}

function directEntries(dialect: ClientDialect, options: DirectExportOptions, warnings: string[]): Record<string, Record<string, unknown>> {
  const entries: Record<string, Record<string, unknown>> = {};
  for (const server of options.servers) {
    const name = server.name;
    if (server.disabled) {
      warnings.push(`${name}: disabled in Switchboard, left out`);
      continue;
    }
    const expand = (value: string, field: string): string => {
      for (const match of value.matchAll(/\$\{env:([^}]*)\}/g)) {
        if (options.env[match[1] ?? ''] === undefined) warnings.push(`${name}: ${field} uses \${env:${match[1]}}, which is not set here: written as an empty value`);
      }
      const expanded = expandVariables(value, options.variables, options.env);
      for (const match of expanded.matchAll(/\$\{[^}]*\}/g)) {
        warnings.push(`${name}: ${field} keeps ${match[0]}, which ${dialect.label} cannot resolve: fill it in by hand`);
      }
      return expanded;
    };
    const expandMap = (map: Readonly<Record<string, string>>, field: string) =>
      Object.fromEntries(Object.entries(map).map(([key, value]) => [key, expand(value, `${field}.${key}`)]));
    if (server.tools?.allow || server.tools?.deny) {
      warnings.push(`${name}: its tools allow/deny list applies only through Switchboard: ${dialect.label} will see every tool`);
    }

    if (server.url !== undefined) {
      const url = expand(server.url, 'url');
      const entry = writeRemoteEntry(dialect, { url, headers: expandMap(server.headers ?? {}, 'headers'), transport: server.type === 'sse' ? 'sse' : 'http' });
      if (entry) entries[name] = entry;
      else warnings.push(`${name}: ${dialect.label} cannot reach a remote server (${url}) from its config file: left out (--mode gateway reaches it through Switchboard)`);
      continue;
    }
    if (server.command === undefined) continue; // The schema guarantees a command or a url.
    if (server.cwd !== undefined && !dialect.cwd) {
      warnings.push(`${name}: ${dialect.label} has no cwd setting: the server will not start in ${expand(server.cwd, 'cwd')}`);
    }
    // The app's own Node runtime (Electron) needs its marker variable to behave as Node.
    const runtimeEnv = server.command.includes('${switchboard:node}') ? options.variables.node.env : {};
    entries[name] = writeStdioEntry(dialect, {
      command: expand(server.command, 'command'),
      args: server.args.map((arg, index) => expand(arg, `args[${index}]`)),
      env: { ...runtimeEnv, ...expandMap(server.env, 'env') },
    });
  }
  return entries;
}
