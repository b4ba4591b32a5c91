import { formatPath } from '../config/parse.ts';
import { ServerEntrySchema } from '../config/schema.ts';
import type { ClientId } from './dialects.ts';
import { ClientFileError, isRecord, parseJsonc } from './jsonc.ts';

export interface ImportOptions {
  /** This Switchboard's endpoint URLs: an entry pointing at one is our own gateway entry, and is skipped. */
  ownUrls?: readonly string[];
}

export interface ImportResult {
  /** The client the file was recognised as (its name, top key and fields), or undefined when unsure. */
  dialect: ClientId | undefined;
  /** The file's servers as entries of our mcp.json, in file order. Only fields Switchboard uses. */
  servers: Record<string, Record<string, unknown>>;
  /** What was skipped, dropped or kept unresolved, one sentence each. */
  warnings: string[];
}

/** Fields of a client's entry that we read; everything else of our own schema is kept too. */
const OUR_FIELDS = new Set(Object.keys(ServerEntrySchema.shape));

/**
 * Reads any client's MCP config (Claude Desktop, Cursor, VS Code, Claude Code, Windsurf, or our own mcp.json),
 * JSON with comments and trailing commas allowed, and returns its servers in our format.
 * Throws ClientFileError (naming the file) when the file is not JSON or holds no map of servers.
 */
export function importConfig(text: string, fileName: string, options: ImportOptions = {}): ImportResult {
  const root = parseJsonc(text, fileName);
  if (!isRecord(root)) throw new ClientFileError(fileName, `${fileName}: expected a JSON object with an "mcpServers" (or VS Code "servers") object`);
  const map = isRecord(root.mcpServers) ? root.mcpServers : !('mcpServers' in root) && isRecord(root.servers) ? root.servers : undefined;
  if (map === undefined) throw new ClientFileError(fileName, `${fileName}: has no "mcpServers" (or VS Code "servers") object`);
  const dialect = detectDialect(root, map, fileName);
  const warnings: string[] = [];
  const ownUrls = new Set((options.ownUrls ?? []).map(normalizeUrl).filter((url) => url !== undefined));
  const servers: Record<string, Record<string, unknown>> = {};

  for (const [name, value] of Object.entries(map)) {
    if (!isRecord(value)) {
      warnings.push(`${name}: not an object: skipped`);
      continue;
    }
    if (isOwnGatewayEntry(value, ownUrls)) {
      warnings.push(`${name}: points at Switchboard itself (its gateway entry): skipped`);
      continue;
    }
    const entry = convertEntry(name, value, dialect, warnings);
    const check = ServerEntrySchema.safeParse(entry);
    if (!check.success) {
      const issue = check.error.issues[0];
      const where = issue ? formatPath(issue.path) : '';
      warnings.push(`${name}: skipped: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid entry'}`);
      continue;
    }
    servers[name] = entry;
  }

  if (isRecord(root.projects)) {
    for (const [project, settings] of Object.entries(root.projects)) {
      if (!isRecord(settings) || !isRecord(settings.mcpServers)) continue;
      const names = Object.keys(settings.mcpServers);
      if (names.length === 0) continue;
      warnings.push(`project ${project} has servers of its own (${names.join(', ')}): not imported, only the user-level mcpServers are`);
    }
  }
  return { dialect, servers, warnings };
}

function convertEntry(name: string, value: Record<string, unknown>, dialect: ClientId | undefined, warnings: string[]): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  const ignored: string[] = [];
  const convert = (text: string, field: string) => convertVariables(text, dialect, (message) => warnings.push(`${name}: ${field} ${message}`));
  for (const [key, field] of Object.entries(value)) {
    if (key === 'serverUrl' || key === 'url') {
      entry.url = typeof field === 'string' ? convert(field, key) : field;
    } else if (key === 'type') {
      // Our default is stdio (a command) and a url says remote; keep only what tells transports apart.
      if (field !== 'stdio') entry.type = field;
    } else if (key === 'command' || key === 'cwd') {
      entry[key] = typeof field === 'string' ? convert(field, key) : field;
    } else if (key === 'args') {
      entry.args = Array.isArray(field) ? field.map((arg: unknown, index) => (typeof arg === 'string' ? convert(arg, `args[${index}]`) : arg)) : field;
    } else if (key === 'env' || key === 'headers') {
      entry[key] = isRecord(field)
        ? Object.fromEntries(Object.entries(field).map(([k, v]) => [k, typeof v === 'string' ? convert(v, `${key}.${k}`) : v]))
        : field;
    } else if (OUR_FIELDS.has(key)) {
      entry[key] = field;
    } else {
      ignored.push(key);
    }
  }
  if (ignored.length > 0) warnings.push(`${name}: ignored ${ignored.join(', ')} (Switchboard has no such setting)`);
  return entry;
}

/**
 * Rewrites a value's variables into ours: Claude Code's `${VAR}` becomes `${env:VAR}`; `${env:NAME}`,
 * `${userHome}` and ours stay. What we cannot resolve (`${input:...}`, `${VAR:-default}`, `${workspaceFolder}`)
 * is kept as it is, with a warning.
 */
function convertVariables(text: string, dialect: ClientId | undefined, warn: (message: string) => void): string {
  return text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (/^(env:[^}]+|userHome|switchboard:[a-zA-Z]+|secret:[^}]+)$/.test(inner)) return whole;
    if (dialect === 'claude-code' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) return `\${env:${inner}}`;
    if (inner.startsWith('input:')) warn(`uses ${whole}, a VS Code input Switchboard cannot ask for: kept as is, set the value by hand`);
    else if (dialect === 'claude-code' && /^[A-Za-z_][A-Za-z0-9_]*:-/.test(inner)) warn(`uses ${whole}: defaults are not supported, kept as is; use \${env:NAME} or a value`);
    else warn(`uses ${whole}, which Switchboard does not know: kept as is`);
    return whole;
  });
}

function detectDialect(root: Record<string, unknown>, map: Record<string, unknown>, fileName: string): ClientId | undefined {
  const base = baseName(fileName);
  const entries = Object.values(map).filter(isRecord);
  if (map === root.servers) return 'vscode';
  if (base === '.claude.json' || base === '.mcp.json' || isRecord(root.projects)) return 'claude-code';
  if (base === 'mcp_config.json' || entries.some((entry) => 'serverUrl' in entry)) return 'windsurf';
  if (base === 'claude_desktop_config.json') return 'claude-desktop';
  if (/[\\/]\.cursor[\\/]mcp\.json$/.test(fileName)) return 'cursor';
  return undefined;
}

/** Our own gateway entry: `switchboard ... connect` (the stdio bridge), or a URL of this Switchboard. */
function isOwnGatewayEntry(entry: Record<string, unknown>, ownUrls: ReadonlySet<string>): boolean {
  const args = Array.isArray(entry.args) ? entry.args.filter((arg) => typeof arg === 'string') : [];
  const command = typeof entry.command === 'string' ? entry.command : '';
  if (args.includes('connect') && [command, ...args].some((part) => /switchboard/i.test(part))) return true;
  const url = typeof entry.url === 'string' ? entry.url : typeof entry.serverUrl === 'string' ? entry.serverUrl : undefined;
  const normalized = url === undefined ? undefined : normalizeUrl(url);
  return normalized !== undefined && ownUrls.has(normalized);
}

/** `http://localhost:7780/mcp/` and `http://127.0.0.1:7780/mcp` are the same endpoint. */
function normalizeUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    const host = url.hostname === 'localhost' || url.hostname === '[::1]' ? '127.0.0.1' : url.hostname;
    const pathname = url.pathname.replace(/\/+$/, '') || '/mcp';
    return `${url.protocol}//${host}:${url.port || (url.protocol === 'https:' ? '443' : '80')}${pathname}`;
  } catch {
    return undefined;
  }
}

function baseName(file: string): string {
  return file.split(/[\\/]/).at(-1) ?? file;
}
