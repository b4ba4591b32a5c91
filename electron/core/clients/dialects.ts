/** The AI clients whose MCP config files we write and read. */
export const CLIENT_IDS = ['claude-desktop', 'cursor', 'vscode', 'claude-code', 'windsurf'] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

export function isClientId(value: string): value is ClientId {
  return (CLIENT_IDS as readonly string[]).includes(value);
}

/**
 * How one client spells its MCP servers in its config file (see the dialect table in RESEARCH.md).
 * Data only: export, import and install read it.
 */
export interface ClientDialect {
  readonly id: ClientId;
  /** The name a person knows, for messages. */
  readonly label: string;
  /** The key of the map of servers at the file's root. */
  readonly topKey: 'mcpServers' | 'servers';
  /** The `type` written on stdio entries (VS Code needs it; Claude Code writes it), or none. */
  readonly stdioType: 'stdio' | undefined;
  /**
   * How a remote (HTTP) server is written: the key holding its URL and whether a `type` goes with it.
   * Null: the client reads no remote server from its file, so only a stdio bridge reaches one.
   */
  readonly remote: { readonly urlKey: 'url' | 'serverUrl'; readonly writesType: boolean } | null;
  /** Whether a stdio entry may carry `cwd` (none of these clients documents one). */
  readonly cwd: boolean;
  /** Variables the client itself expands in values (for messages; exports write our values expanded). */
  readonly variables: 'none' | 'env-colon' | 'shell';
}

export const DIALECTS: { readonly [K in ClientId]: ClientDialect & { readonly id: K } } = {
  'claude-desktop': { id: 'claude-desktop', label: 'Claude Desktop', topKey: 'mcpServers', stdioType: undefined, remote: null, cwd: false, variables: 'none' },
  cursor: { id: 'cursor', label: 'Cursor', topKey: 'mcpServers', stdioType: undefined, remote: { urlKey: 'url', writesType: false }, cwd: false, variables: 'env-colon' },
  vscode: { id: 'vscode', label: 'VS Code', topKey: 'servers', stdioType: 'stdio', remote: { urlKey: 'url', writesType: true }, cwd: false, variables: 'env-colon' },
  'claude-code': { id: 'claude-code', label: 'Claude Code', topKey: 'mcpServers', stdioType: 'stdio', remote: { urlKey: 'url', writesType: true }, cwd: false, variables: 'shell' },
  windsurf: { id: 'windsurf', label: 'Windsurf', topKey: 'mcpServers', stdioType: undefined, remote: { urlKey: 'serverUrl', writesType: false }, cwd: false, variables: 'env-colon' },
};

/** A stdio server as every dialect has it. */
export interface StdioServer {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
}

/** A remote server: its URL, headers, and whether it speaks the legacy SSE transport. */
export interface RemoteServer {
  url: string;
  headers: Readonly<Record<string, string>>;
  transport: 'http' | 'sse';
}

/** A stdio server in the client's dialect. `env` is left out when empty. */
export function writeStdioEntry(dialect: ClientDialect, server: StdioServer): Record<string, unknown> {
  return {
    ...(dialect.stdioType ? { type: dialect.stdioType } : {}),
    command: server.command,
    args: [...server.args],
    ...(Object.keys(server.env).length > 0 ? { env: { ...server.env } } : {}),
  };
}

/** A remote server in the client's dialect, or undefined when the client cannot read one from its file. */
export function writeRemoteEntry(dialect: ClientDialect, server: RemoteServer): Record<string, unknown> | undefined {
  if (!dialect.remote) return undefined;
  return {
    ...(dialect.remote.writesType ? { type: server.transport } : {}),
    [dialect.remote.urlKey]: server.url,
    ...(Object.keys(server.headers).length > 0 ? { headers: { ...server.headers } } : {}),
  };
}
