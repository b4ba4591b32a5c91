/**
 * The contract between the core and the UI: every method the window may call, keyed by name, with a zod schema
 * for its arguments and the type of its result, and every event the core pushes to the window. Both bridges (the
 * Electron preload over IPC and `switchboard serve` over a WebSocket) carry exactly this, and the renderer does
 * not know which one it has. No Node, no DOM: this file runs on both sides.
 */
import { z } from 'zod';
import {
  LogLevelSchema,
  LogStreamSchema,
  TraceQuerySchema,
  type Diagnosis,
  type HealthReport,
  type LogEntry,
  type LogLevel,
  type LogStream,
  type MessageRecord,
  type ServerStatus,
  type Span,
  type SpanStatus,
} from './model.ts';
import {
  APPROVAL_ANSWERS,
  AuditQuerySchema,
  ClientNameSchema,
  ProfileSchema,
  type Approval,
  type AuditEntry,
  type ClientRecord,
  type ClientWithToken,
} from './access.ts';
import type { OtlpExportSettings, OtlpExportStatus } from './telemetry.ts';

/** OTLP export as the window shows it: what is set (header names only) and what it is doing. */
export type OtlpExportView = OtlpExportStatus & { settings: OtlpExportSettings | null };

// ---------------------------------------------------------------------------------------------------------------
// The envelope

/** Why a call failed, as a closed union the UI can switch over. */
export const API_ERROR_CODES = [
  'forbidden',
  'unknown-method',
  'invalid-args',
  'not-found',
  'invalid-config',
  'unavailable',
  'cancelled',
  'disconnected',
  'failed',
] as const;
/** Why a call failed. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** A failure as it crosses a bridge: our own one-line message, never a stack trace. */
export interface ApiError {
  code: ApiErrorCode;
  message: string;
}

/** What every call resolves with, so the UI shows our message, not "Error invoking remote method". */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ---------------------------------------------------------------------------------------------------------------
// Plain JSON and the MCP shapes the UI reads (kept loose: results pass through as the servers sent them)

/** A JSON object as it crossed the wire. */
export type JsonObject = { [key: string]: unknown };

/** A tool's hints (MCP `ToolAnnotations`). */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
  [key: string]: unknown;
}

/** One tool the gateway exposes, with where it really lives. */
export interface ToolInfo {
  /** The exposed name (`server__tool`), what clients call. */
  name: string;
  server: string;
  /** The tool's name on its own server. */
  originalName: string;
  title?: string;
  description?: string;
  inputSchema: JsonObject;
  outputSchema?: JsonObject;
  annotations?: ToolAnnotations;
}

/** One prompt the gateway exposes. */
export interface PromptInfo {
  name: string;
  server: string;
  originalName: string;
  title?: string;
  description?: string;
  arguments?: { name: string; description?: string; required?: boolean }[];
}

/** One resource the gateway exposes (its URI is the gateway's `sb://alias/...`). */
export interface ResourceInfo {
  uri: string;
  server: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/** One resource template the gateway exposes. */
export interface ResourceTemplateInfo {
  uriTemplate: string;
  server: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/** Everything every ready server offers, under the exposed names. */
export interface CatalogView {
  tools: ToolInfo[];
  prompts: PromptInfo[];
  resources: ResourceInfo[];
  resourceTemplates: ResourceTemplateInfo[];
}

/** The contents of a resource (MCP `TextResourceContents` or `BlobResourceContents`). */
export interface ResourceContents {
  uri: string;
  mimeType?: string;
  text?: string;
  /** base64 */
  blob?: string;
  [key: string]: unknown;
}

/** One content block of a tool result or prompt message. */
export type ContentBlock =
  | { type: 'text'; text: string; [key: string]: unknown }
  | { type: 'image'; data: string; mimeType: string; [key: string]: unknown }
  | { type: 'audio'; data: string; mimeType: string; [key: string]: unknown }
  | { type: 'resource'; resource: ResourceContents; [key: string]: unknown }
  | { type: 'resource_link'; uri: string; name: string; title?: string; description?: string; mimeType?: string; [key: string]: unknown };

/** A tool's result, as the server sent it. */
export interface ToolResult {
  content: ContentBlock[];
  structuredContent?: unknown;
  isError?: boolean;
  _meta?: JsonObject;
  [key: string]: unknown;
}

/** How a playground call ended. */
export type CallStatus = SpanStatus;

/** Whether `structuredContent` matches the tool's output schema. */
export type StructuredCheck = { valid: true } | { valid: false; message: string };

/** A finished playground call. */
export interface ToolCallOutcome {
  /** The row in the call history. */
  historyId: number;
  tool: string;
  server: string | null;
  startedAt: number;
  durationMs: number;
  status: CallStatus;
  result: ToolResult | null;
  /** A JSON-RPC or transport error, or why the call was cancelled. */
  error: string | null;
  /** Null when the tool has no output schema or the result no structured content. */
  structuredCheck: StructuredCheck | null;
  /** The trace of the call through the gateway, for the Traces page. */
  traceId: string | null;
}

/** One call of the history, without its result. */
export interface HistorySummary {
  id: number;
  time: number;
  tool: string;
  server: string | null;
  arguments: JsonObject;
  status: CallStatus;
  durationMs: number;
  error: string | null;
  traceId: string | null;
}

/** One call of the history, with its result. */
export interface HistoryEntry extends HistorySummary {
  result: ToolResult | null;
  /** The stored result was cut (a large image, say). */
  truncated: boolean;
}

/** A prompt, rendered. */
export interface PromptRendered {
  description?: string;
  messages: { role: 'user' | 'assistant'; content: ContentBlock }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Config

/** A value the UI shows instead of a secret; sent back unchanged, it keeps the stored value. */
export const MASKED_VALUE = '••••••••';

/** One server entry of mcp.json as the UI sees it: the raw JSON, secret values replaced by MASKED_VALUE. */
export interface ServerEntryView {
  name: string;
  entry: JsonObject;
  /** `env.NAME` and `headers.NAME` paths whose values were masked. */
  masked: string[];
}

/** The config file as the UI sees it. */
export interface ConfigView {
  path: string;
  servers: ServerEntryView[];
  /** What is wrong with the file as it is on disk, when a hand edit cannot be used (the last good config runs). */
  problems: string[];
}

/** What an import would bring in. */
export interface ImportPreview {
  /** The client the file was recognised as. */
  dialect: string | null;
  servers: Record<string, JsonObject>;
  /** The same servers as the window shows them: secret values (env, headers) masked. */
  shown: Record<string, JsonObject>;
  warnings: string[];
  /** Names already in our config. */
  conflicts: string[];
  /** Secret-looking values (`*_TOKEN`, `*_KEY`, `Authorization`, ...) an import can keep in the secret store instead of mcp.json. */
  secrets: string[];
  /** Where they would go (`the OS keychain`), or null when there is no secret store here. */
  secretStore: string | null;
}

/** What the first run offers: the servers of Claude Desktop's config, when it has some. */
export interface FirstRunOffer {
  claudeDesktop: { file: string; servers: string[] } | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Logs and traces

/** One line of the Logs page: a stored log line, or a JSON-RPC message (its body cut to a preview). */
export type LogItem =
  | { kind: 'log'; id: number; time: number; server: string | null; stream: LogStream; level: LogLevel; message: string; traceId?: string }
  | {
      kind: 'rpc';
      id: number;
      time: number;
      server: string | null;
      hop: MessageRecord['hop'];
      direction: MessageRecord['direction'];
      session: string | null;
      /** The session's client as a person knows it (`claude-code (as cursor)`), while its session is open. */
      client?: string;
      method: string | null;
      rpcId: string | null;
      traceId: string | null;
      /** The start of the body. */
      preview: string;
    };

/** What the Logs page shows: log lines, JSON-RPC messages, or both. */
export const LOG_SOURCES = ['all', 'logs', 'rpc'] as const;
export const LogSourceSchema = z.enum(LOG_SOURCES);
/** What the Logs page shows. */
export type LogSource = z.infer<typeof LogSourceSchema>;

/** A filter of the Logs page; the same one applies to stored pages and to live lines (`matchesLogFilter`). */
export const LogFilterSchema = z.strictObject({
  source: LogSourceSchema.optional(),
  server: z.string().optional(),
  /** The minimum level of log lines (messages have none and always pass). */
  level: LogLevelSchema.optional(),
  stream: LogStreamSchema.optional(),
  /** A substring to find, case-insensitive. */
  text: z.string().max(500).optional(),
  since: z.number().optional(),
  until: z.number().optional(),
  /** Only the notifications servers sent (progress, log messages, list and resource changes): the Playground's pane. */
  notifications: z.boolean().optional(),
});
/** A filter of the Logs page. */
export type LogFilter = z.infer<typeof LogFilterSchema>;

/**
 * Where a page of the merged list ends, per source: the next page holds ids below these.
 * `null` means "from the newest", `0` means "nothing older".
 */
export const LogCursorSchema = z.strictObject({ log: z.number().int().min(0).nullable(), rpc: z.number().int().min(0).nullable() });
/** Where a page of the merged list ends. */
export type LogCursor = z.infer<typeof LogCursorSchema>;

/** A page of the Logs page, oldest first. */
export interface LogPage {
  items: LogItem[];
  /** Null when there is nothing older. */
  next: LogCursor | null;
}

/** A client session seen by the gateway (from its traces). */
export interface ClientSession {
  /** The legacy session id, or null for sessionless (2026) clients. */
  session: string | null;
  client: string | null;
  firstSeen: number;
  lastSeen: number;
  requests: number;
  /** Seen in the last 30 minutes (an idle legacy session is closed after that). */
  active: boolean;
}

/** One AI client we can write a config for. */
export interface ClientTarget {
  id: ClientId;
  label: string;
  /** Its user-level config file on this machine. */
  file: string;
  exists: boolean;
}

/** The clients we write configs for. */
export const CLIENT_IDS = ['claude-desktop', 'cursor', 'vscode', 'claude-code', 'windsurf'] as const;
export const ClientIdSchema = z.enum(CLIENT_IDS);
/** One AI client we can write a config for. */
export type ClientId = z.infer<typeof ClientIdSchema>;
export const ExportModeSchema = z.enum(['gateway', 'direct']);
/** One entry reaching Switchboard, or every server for the client to run itself. */
export type ExportMode = z.infer<typeof ExportModeSchema>;

/** A client's config, in its dialect. */
export interface ClientExport {
  client: ClientId;
  mode: ExportMode;
  /** The whole file, as JSON text to copy. */
  text: string;
  warnings: string[];
  file: string;
}

/** What an install did. */
export interface ClientInstall {
  file: string;
  backup: string | null;
  created: boolean;
  added: string[];
  replaced: string[];
  unchanged: boolean;
  /** Other servers the client's file keeps. */
  others: string[];
}

/** One server's or tool's numbers over the chosen window. */
export interface FleetRow {
  name: string;
  calls: number;
  callsPerSecond: number;
  /** Errors (failed calls and tool errors) over calls, 0 to 1. */
  errorRate: number;
  /** Milliseconds: the upper bound of the duration bucket the quantile falls in (null without calls). */
  p50: number | null;
  p95: number | null;
  /** Calls per slot, oldest first. */
  series: number[];
}

/** The Metrics page: every server and tool over a window, and the totals (the KPIs). */
export interface FleetView {
  windowSeconds: number;
  slotSeconds: number;
  totals: FleetRow;
  servers: (FleetRow & { state: ServerStatus['state']; lastError: string | null; availability: number | null })[];
  tools: (FleetRow & { server: string })[];
}

/** A client of the endpoint as the Access section shows it: its record and its use of its limits now. */
export interface AccessClient extends ClientRecord {
  usage: { perMinute?: { used: number; limit: number }; perDay?: { used: number; limit: number }; inFlight?: { used: number; limit: number } };
}

/** What the Clients page shows about the endpoint. */
export interface ClientsInfo {
  endpoint: string;
  token: string;
  /** The token comes from SWITCHBOARD_TOKEN and cannot be regenerated here. */
  tokenFromEnv: boolean;
  sessions: ClientSession[];
  clients: ClientTarget[];
}

/** What the UI shows about the app. */
export interface AppInfo {
  version: string;
  /** The aggregate MCP endpoint. */
  endpoint: string;
  dataDir: string;
  configPath: string;
  platform: string;
}

/** A terminal, opened. */
export interface TerminalInfo {
  id: string;
  title: string;
  cwd: string;
  shell: string;
  /** The server's command line, to run by hand (expanded), when opened for a server. */
  command: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// The methods

/** One method: its argument schema and (as a phantom) its result type. */
export interface MethodSpec<A extends z.ZodType, R> {
  readonly args: A;
  /** Never read at runtime: carries the result type. */
  readonly result?: R;
}

const method =
  <R>() =>
  <A extends z.ZodType>(args: A): MethodSpec<A, R> => ({ args });

const none = z.undefined();
const serverName = z.strictObject({ name: z.string().min(1).max(200) });
/** The levels of MCP's logging/setLevel (RFC 5424's). */
export const MCP_LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
const id = z.string().min(1).max(100);
const entry = z.record(z.string(), z.unknown());
const dimension = z.number().int().min(1).max(1000);

/** Every method the window may call, keyed by name. */
export const METHODS = {
  /** Version, endpoint and where the data lives. */
  'app.info': method<AppInfo>()(none),
  /** Overall and per-server health (what `/health` says). */
  health: method<HealthReport>()(none),

  'servers.list': method<ServerStatus[]>()(none),
  'servers.start': method<null>()(serverName),
  'servers.stop': method<null>()(serverName),
  'servers.restart': method<null>()(serverName),
  /** How long each ready replica takes to answer a ping (or why it did not). */
  'servers.ping': method<{ replica: string; ms: number | null; error: string | null }[]>()(serverName),
  /** `logging/setLevel` on each ready replica: the server's log messages from that level up. */
  'servers.setLogLevel': method<null>()(z.strictObject({ name: z.string().min(1).max(200), level: z.enum(MCP_LOG_LEVELS) })),
  /** The connection doctor: each step checked, the command to run it by hand, its last stderr lines. */
  'servers.diagnose': method<Diagnosis>()(serverName),

  /** The config file's servers, secrets masked. */
  'config.get': method<ConfigView>()(none),
  /** The problems the config parser would report for this entry (none: it is valid), without saving. */
  'config.validateServer': method<{ problems: string[] }>()(z.strictObject({ name: z.string().max(200), entry, replacing: z.string().optional() })),
  /** Adds a server, or with `replacing` edits that one (renaming it when the name differs); masked values keep the stored ones. */
  'config.setServer': method<null>()(z.strictObject({ name: z.string().min(1).max(200), entry, replacing: z.string().optional() })),
  'config.removeServer': method<null>()(serverName),
  'config.setEnabled': method<null>()(z.strictObject({ name: z.string().min(1), enabled: z.boolean() })),
  /** Reads a client's config file (pasted or picked) and says what it would import. */
  'config.previewImport': method<ImportPreview>()(z.strictObject({ text: z.string().max(5_000_000), fileName: z.string().max(1000) })),
  /** `moveSecrets`: secret-looking values go to the secret store, the config gets `${secret:NAME}` references. */
  'config.import': method<{ added: string[]; replaced: string[]; movedSecrets: string[] }>()(z.strictObject({ servers: z.record(z.string().min(1), entry), replace: z.boolean(), moveSecrets: z.boolean().optional() })),
  /** On a first run: Claude Desktop's servers, if its config exists and we have not offered them yet. */
  'config.firstRun': method<FirstRunOffer>()(none),
  /** Imports the servers of Claude Desktop's config (or only marks the offer as answered). */
  'config.answerFirstRun': method<{ added: string[] }>()(z.strictObject({ accept: z.boolean() })),

  'catalog.get': method<CatalogView>()(none),
  /** The tools, prompts and resources one Switchboard client sees (its profile), as it would list them. */
  'catalog.as': method<{ tools: string[]; prompts: string[]; resources: string[] }>()(z.strictObject({ client: ClientNameSchema })),
  /** Calls a tool through the gateway (traced like an external call). `callId` names it for progress and cancel. */
  'tools.call': method<ToolCallOutcome>()(
    /** `as`: the call is made as that Switchboard client (its profile, policy and limits apply). */
    z.strictObject({ callId: id, name: z.string().min(1).max(200), arguments: entry, timeoutMs: z.number().int().positive().max(24 * 3600_000).optional(), as: ClientNameSchema.optional() }),
  ),
  'tools.cancel': method<null>()(z.strictObject({ callId: id })),
  'resources.read': method<{ contents: ResourceContents[] }>()(z.strictObject({ uri: z.string().min(1) })),
  'prompts.get': method<PromptRendered>()(z.strictObject({ name: z.string().min(1), arguments: z.record(z.string(), z.string()) })),
  /** Live updates of a resource in the playground (resources/subscribe through the gateway); `resources.updated` tells. */
  'resources.subscribe': method<null>()(z.strictObject({ uri: z.string().min(1), subscribed: z.boolean() })),
  /** What the server suggests for a prompt's argument or a template's variable as typed so far (completion/complete). */
  'completion.complete': method<{ values: string[]; hasMore: boolean }>()(
    z.strictObject({
      ref: z.union([z.strictObject({ type: z.literal('ref/prompt'), name: z.string().min(1) }), z.strictObject({ type: z.literal('ref/resource'), uri: z.string().min(1) })]),
      argument: z.strictObject({ name: z.string().min(1), value: z.string().max(10_000) }),
      /** The other arguments filled in so far (a server may suggest from them). */
      context: z.record(z.string(), z.string()).optional(),
    }),
  ),
  /** Answers a server's request shown as a dialog (elicitation, sampling). */
  'dialogs.respond': method<null>()(z.strictObject({ requestId: id, response: z.record(z.string(), z.unknown()) })),

  'history.list': method<HistorySummary[]>()(z.strictObject({ tool: z.string().optional(), beforeId: z.number().int().optional(), limit: z.number().int().positive().max(1000).optional() })),
  'history.get': method<HistoryEntry>()(z.strictObject({ id: z.number().int() })),
  'history.clear': method<null>()(none),

  /** A page of the merged logs and messages, newest page first (`before`: where the previous page ended). */
  'logs.query': method<LogPage>()(z.strictObject({ filter: LogFilterSchema, before: LogCursorSchema.optional(), limit: z.number().int().positive().max(5000).optional() })),
  /** One JSON-RPC message in full. */
  'logs.message': method<MessageRecord>()(z.strictObject({ id: z.number().int() })),

  'traces.query': method<Span[]>()(TraceQuerySchema.strict()),
  'traces.get': method<{ spans: Span[]; messages: MessageRecord[]; logs: LogEntry[] }>()(z.strictObject({ traceId: z.string().min(1).max(64) })),

  'clients.info': method<ClientsInfo>()(none),
  /**
   * The config for a client app; in gateway mode it acts as the Switchboard client `as` (default: the app's id). A
   * remote entry carries that client's own token: `mint` makes a new one (the old one stops working); without it the
   * text shows where the token goes.
   */
  'clients.export': method<ClientExport>()(z.strictObject({ client: ClientIdSchema, mode: ExportModeSchema, as: ClientNameSchema.optional(), mint: z.boolean().optional() })),
  /** Merges the export into the client's own file, after a backup (a remote entry gets a new token of its client). */
  'clients.install': method<ClientInstall>()(z.strictObject({ client: ClientIdSchema, mode: ExportModeSchema, as: ClientNameSchema.optional() })),
  /** The endpoint's clients, each with its own token and profile (never the tokens). */
  'access.list': method<AccessClient[]>()(none),
  /** A new client; its token is in the answer, this once. */
  'access.add': method<ClientWithToken>()(z.strictObject({ name: ClientNameSchema, profile: ProfileSchema })),
  'access.setProfile': method<ClientRecord>()(z.strictObject({ name: ClientNameSchema, profile: ProfileSchema })),
  /** A new token; the old one stops working at once. */
  'access.rotate': method<ClientWithToken>()(z.strictObject({ name: ClientNameSchema })),
  /** The token is refused from the client's next request. */
  'access.revoke': method<ClientRecord>()(z.strictObject({ name: ClientNameSchema })),
  'access.remove': method<null>()(z.strictObject({ name: ClientNameSchema })),
  /** Calls waiting for a person's approval. */
  'approvals.list': method<Approval[]>()(none),
  'approvals.answer': method<{ answered: boolean }>()(z.strictObject({ id: z.string().min(1).max(64), answer: z.enum(APPROVAL_ANSWERS) })),
  /** Every server's and tool's numbers over the last `windowSeconds` (at most an hour). */
  'metrics.fleet': method<FleetView>()(z.strictObject({ windowSeconds: z.number().int().min(10).max(3600) })),
  /** Where traces are exported (OTLP), and how it goes: spans sent, failed, the last error. */
  'telemetry.otlp': method<OtlpExportView>()(none),
  /** Turns OTLP export on or off; header values are kept in the keychain and never come back. */
  'telemetry.setOtlp': method<OtlpExportView>()(
    z.strictObject({
      enabled: z.boolean(),
      endpoint: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })]),
      /** New header values (all of them); absent: keep the ones kept. */
      headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name is letters, digits and dashes'), z.string().max(4096)).optional(),
    }),
  ),
  /** The audit trail, newest first. */
  'audit.query': method<AuditEntry[]>()(AuditQuerySchema),
  /** A new token; clients configured with the old one must be updated. */
  'clients.regenerateToken': method<{ token: string }>()(none),

  /** A shell in a server's cwd with its environment (or in the home folder); closed with the window. */
  'terminal.open': method<TerminalInfo>()(z.strictObject({ server: z.string().optional(), cols: dimension, rows: dimension })),
  'terminal.write': method<null>()(z.strictObject({ id, data: z.string().max(1_000_000) })),
  'terminal.resize': method<null>()(z.strictObject({ id, cols: dimension, rows: dimension })),
  'terminal.close': method<null>()(z.strictObject({ id })),
} as const;

/** The name of a method. */
export type Method = keyof typeof METHODS;
/** The arguments of a method. */
export type ArgsOf<M extends Method> = z.infer<(typeof METHODS)[M]['args']>;
/** The result of a method. */
export type ResultOf<M extends Method> = (typeof METHODS)[M] extends MethodSpec<z.ZodType, infer R> ? R : never;

/** Every method name, for bridges that check names before anything crosses. */
export const METHOD_NAMES = Object.keys(METHODS) as Method[];

/** True for the name of a method (own keys only: `constructor` and `__proto__` are not methods). */
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.hasOwn(METHODS, name);
}

// ---------------------------------------------------------------------------------------------------------------
// The events

/** An event of the map below: the payload type rides along, for the compiler only. */
export interface EventSpec<P> {
  /** Never read at runtime: carries the payload type. */
  readonly payload?: P;
}

const event = <P>(): EventSpec<P> => ({});

/**
 * Every event the core pushes to the window, keyed by name, with its payload. Small: a delta or a hint to refetch.
 * The one list of events: the `Events` type and `EVENT_NAMES` (which the preload lets through) are derived from it.
 */
export const EVENTS = {
  /** A server's state or catalog changed: every status, whole (there are tens, not thousands). */
  'servers.changed': event<{ statuses: ServerStatus[] }>(),
  /** The exposed tools, prompts or resources changed: refetch `catalog.get`. */
  'catalog.changed': event<Record<string, never>>(),
  /** mcp.json changed (from the UI or an editor): refetch `config.get`. */
  'config.changed': event<{ problems: string[] }>(),
  /** New log lines and messages, oldest first; `skipped` more arrived than a batch carries. */
  'logs.appended': event<{ items: LogItem[]; skipped: number }>(),
  /** New traces were recorded: refetch the list. `latest` counts these events. */
  'traces.appended': event<{ latest: number }>(),
  /** A call of the history was added. */
  'history.appended': event<{ entry: HistorySummary }>(),
  /** Progress of a running playground call. */
  'tools.progress': event<{ callId: string; progress: number; total?: number; message?: string }>(),
  /** A resource the playground subscribed to changed on its server (notifications/resources/updated). */
  'resources.updated': event<{ uri: string; time: number }>(),
  /** A server asks the person something during a playground call. */
  'dialogs.request': event<DialogRequest>(),
  /** The request was answered elsewhere, cancelled or timed out. */
  'dialogs.closed': event<{ requestId: string }>(),
  /** The calls waiting for a person changed: the whole list. */
  'approvals.changed': event<{ approvals: Approval[] }>(),
  /** The endpoint's clients changed (added, rotated, revoked, a profile edited). */
  'access.changed': event<Record<string, never>>(),
  'terminal.data': event<{ id: string; data: string }>(),
  'terminal.exit': event<{ id: string; exitCode: number; signal: number | null }>(),
} as const;

/** Every event's payload, keyed by name. */
export type Events = { [E in keyof typeof EVENTS]: (typeof EVENTS)[E] extends EventSpec<infer P> ? P : never };

/** A server's request that needs a person. */
export type DialogRequest =
  | { requestId: string; kind: 'elicitation'; server: string | null; params: ElicitationParams }
  | { requestId: string; kind: 'sampling'; server: string | null; params: JsonObject };

/** An elicitation request: a form (`requestedSchema`) or a URL to visit. */
export interface ElicitationParams {
  mode?: 'form' | 'url';
  message: string;
  requestedSchema?: JsonObject;
  url?: string;
  elicitationId?: string;
  [key: string]: unknown;
}

/** The name of an event. */
export type EventName = keyof Events;
/** Every event name, derived from the map: a new event reaches the window through either bridge. */
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** One event as it crosses a bridge. */
export type EventMessage = { [E in EventName]: { name: E; payload: Events[E] } }[EventName];

// ---------------------------------------------------------------------------------------------------------------
// The API both bridges give the renderer

/** Methods that take no arguments. */
type NoArgs<M extends Method> = ArgsOf<M> extends undefined ? M : never;

/** The arguments of `call`: none for methods without, else exactly one. */
export type CallArgs<M extends Method> = M extends NoArgs<M> ? [] : [ArgsOf<M>];

/** How the renderer reaches the core, whichever the bridge. */
export interface SwitchboardApi {
  /** Calls a method; resolves with the envelope (never rejects). */
  invoke<M extends Method>(method: M, ...args: CallArgs<M>): Promise<Envelope<ResultOf<M>>>;
  /** Subscribes to one event; returns the unsubscribe. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** The messages of the WebSocket bridge. */
export type SocketClientMessage = { type: 'call'; id: number; method: string; args?: unknown };
export type SocketServerMessage = { type: 'result'; id: number; result: Envelope<unknown> } | ({ type: 'event' } & EventMessage);

/** The WebSocket bridge's path on the serve port. */
export const SOCKET_PATH = '/api/socket';
/** The path the UI asks whether it is signed in (200) or needs the token (401); POST `{ token }` signs in. */
export const SESSION_PATH = '/api/session';

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers both sides use

/** True when a log item passes a filter: the same rule the store query applies, for live lines. */
export function matchesLogFilter(item: LogItem, filter: LogFilter): boolean {
  const source = filter.source ?? 'all';
  if (filter.notifications && (item.kind !== 'rpc' || item.hop !== 'server' || item.direction !== 'in' || !item.method?.startsWith('notifications/'))) return false;
  if (source === 'logs' && item.kind !== 'log') return false;
  if (source === 'rpc' && item.kind !== 'rpc') return false;
  if (filter.server !== undefined && item.server !== filter.server) return false;
  if (filter.since !== undefined && item.time < filter.since) return false;
  if (filter.until !== undefined && item.time > filter.until) return false;
  if (item.kind === 'log') {
    if (filter.level !== undefined && LEVEL_ORDER.indexOf(item.level) < LEVEL_ORDER.indexOf(filter.level)) return false;
    if (filter.stream !== undefined && item.stream !== filter.stream) return false;
  } else if (filter.stream !== undefined) {
    return false;
  }
  if (filter.text) {
    const haystack = item.kind === 'log' ? item.message : item.preview;
    if (!haystack.toLowerCase().includes(filter.text.toLowerCase())) return false;
  }
  return true;
}

const LEVEL_ORDER: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * About how many tokens the tool definitions cost a client's context: their JSON (name, description, schemas)
 * at ~4 characters a token, the rule of thumb for English and JSON with common tokenizers.
 */
export function estimateToolTokens(tools: readonly Pick<ToolInfo, 'name' | 'description' | 'inputSchema' | 'outputSchema' | 'annotations' | 'title'>[]): number {
  let chars = 0;
  for (const tool of tools) {
    chars += JSON.stringify({ name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.inputSchema, outputSchema: tool.outputSchema, annotations: tool.annotations }).length;
  }
  return Math.ceil(chars / 4);
}

/** A playground call as the JSON-RPC request a client would send (for "copy as JSON-RPC"). */
export function toJsonRpcCall(tool: string, args: JsonObject, id: number | string = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: args } }, null, 2);
}

