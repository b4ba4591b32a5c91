/**
 * The domain model shared by the core and the UI: server states, statuses and log entries.
 * Each name has two forms: a zod schema for runtime checks and the type inferred from it.
 */
import { z } from 'zod';

/** Every state a configured server can be in. A closed union: the UI and the CLI switch over it exhaustively. */
export const SERVER_STATES = ['disabled', 'starting', 'ready', 'restarting', 'stopping', 'stopped', 'crash-loop', 'failed'] as const;
export const ServerStateSchema = z.enum(SERVER_STATES);
/** The lifecycle state of one configured server. */
export type ServerState = z.infer<typeof ServerStateSchema>;

/** Why a server's state changed. Carried by every status change event. */
export const STATE_REASONS = [
  'config-added',
  'config-changed',
  'config-removed',
  'enabled',
  'disabled',
  'manual-start',
  'manual-stop',
  'manual-restart',
  'handshake-complete',
  'clean-exit',
  'crashed',
  'launch-failed',
  'handshake-failed',
  'unresponsive',
  'backoff-elapsed',
  'too-many-restarts',
  'stopped',
  'shutdown',
] as const;
export const StateReasonSchema = z.enum(STATE_REASONS);
/** The cause of a state change. */
export type StateReason = z.infer<typeof StateReasonSchema>;

/** A snapshot of one server, as `/health`, `switchboard status` and the UI show it. */
export const ServerStatusSchema = z.object({
  name: z.string(),
  state: ServerStateSchema,
  /** Process id of the server's process group leader, while it runs. */
  pid: z.number().int().nullable(),
  /** Number of tools the server lists (0 until it is ready). */
  tools: z.number().int(),
  resources: z.number().int(),
  prompts: z.number().int(),
  /** Restarts since the server was last started by hand or by a config change. */
  restarts: z.number().int(),
  /** The last failure, in one line (`spawn npx ENOENT`, `exited with code 1: <stderr>`). */
  lastError: z.string().nullable(),
  /** When the server entered its current state (ms since the epoch). */
  since: z.number(),
  /** When the current process became ready (ms since the epoch), for uptime. */
  readySince: z.number().nullable(),
  /** When the next restart is due, while restarting (ms since the epoch). */
  nextRestartAt: z.number().nullable(),
  /** How many copies run (`replicas` in the config) and how many of them are ready. */
  replicas: z.object({ ready: z.number().int(), total: z.number().int() }),
  /** The circuit breaker: `open` while calls are refused after repeated timeouts or lost connections. */
  breaker: z.enum(['closed', 'open', 'half-open']).optional(),
  /** Lines of its stderr and stray stdout dropped by the rate limit since it was added (counted, not stored). */
  droppedLines: z.number().int().optional(),
  /** Its calls over the last minute (in /health and `switchboard status`). */
  load: z.object({ callsPerSecond: z.number(), errorRate: z.number() }).optional(),
});
/** A snapshot of one server. */
export type ServerStatus = z.infer<typeof ServerStatusSchema>;

/** A state change of one server, with its cause. */
export const StatusChangeSchema = z.object({
  server: z.string(),
  previous: ServerStateSchema,
  state: ServerStateSchema,
  reason: StateReasonSchema,
  detail: z.string().nullable(),
});
/** A state change of one server, with its cause. */
export type StatusChange = z.infer<typeof StatusChangeSchema>;

/** Overall health as `/health` reports it. */
export const HealthReportSchema = z.object({
  status: z.enum(['ok', 'degraded', 'starting', 'empty']),
  version: z.string(),
  uptimeMs: z.number(),
  servers: z.array(ServerStatusSchema),
  /** The store: its size against its cap, and what it had to let go of. */
  store: z
    .object({
      bytes: z.number(),
      maxBytes: z.number(),
      /** Oldest rows deleted to stay under the size cap. */
      deletedForSize: z.number(),
      /** Log lines, messages and spans dropped because the writer fell behind. */
      droppedWrites: z.number(),
    })
    .optional(),
});
/** Overall health as `/health` reports it. */
export type HealthReport = z.infer<typeof HealthReportSchema>;

/** Where a log line came from: a server's stderr or stray stdout, its lifecycle, the app, or its MCP log messages. */
export const LOG_STREAMS = ['stderr', 'stdout', 'lifecycle', 'app', 'mcp'] as const;
export const LogStreamSchema = z.enum(LOG_STREAMS);
/** Where a log line came from. */
export type LogStream = z.infer<typeof LogStreamSchema>;

/** Log levels, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LogLevelSchema = z.enum(LOG_LEVELS);
/** A log level. */
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** One stored log line. */
export const LogEntrySchema = z.object({
  id: z.number().int(),
  /** ms since the epoch */
  time: z.number(),
  /** The server it belongs to, or null for the app itself. */
  server: z.string().nullable(),
  stream: LogStreamSchema,
  level: LogLevelSchema,
  message: z.string(),
  /** The trace of the call the line was written during (the only call in flight on that server then). */
  traceId: z.string().optional(),
});
/** One stored log line. */
export type LogEntry = z.infer<typeof LogEntrySchema>;

/** A query over the stored logs. Every field narrows the result; all are optional. */
export const LogQuerySchema = z.object({
  server: z.string().optional(),
  /** The minimum level. */
  level: LogLevelSchema.optional(),
  stream: LogStreamSchema.optional(),
  /** Only the lines written during this trace. */
  traceId: z.string().optional(),
  /** A substring to find, case-insensitive. */
  text: z.string().optional(),
  /** Inclusive bounds, ms since the epoch. */
  since: z.number().optional(),
  until: z.number().optional(),
  /** Only entries with a smaller id (for paging backwards). */
  beforeId: z.number().int().optional(),
  limit: z.number().int().positive().max(10_000).optional(),
});
/** A query over the stored logs. */
export type LogQuery = z.infer<typeof LogQuerySchema>;

/** True for the states in which a server is meant to be serving but is not. */
export function isDown(state: ServerState): boolean {
  return state === 'crash-loop' || state === 'failed' || state === 'restarting' || state === 'stopped';
}

/** How a traced request ended. */
export const SPAN_STATUSES = ['ok', 'tool-error', 'error', 'cancelled'] as const;
export const SpanStatusSchema = z.enum(SPAN_STATUSES);
/** How a traced request ended: `tool-error` is a result with isError, `error` a JSON-RPC or transport error. */
export type SpanStatus = z.infer<typeof SpanStatusSchema>;

/** Something that happened during a span: a progress update, a cancellation. */
export const SpanEventSchema = z.object({
  name: z.string(),
  /** ms since the epoch */
  time: z.number(),
  attributes: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type SpanEvent = z.infer<typeof SpanEventSchema>;

/** One span of a trace: the gateway's handling of a request, or a step of it (route, upstream call, respond). */
export const SpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  /** `tools/call`, `route`, `upstream tools/call`, `respond`, ... */
  name: z.string(),
  /** ms since the epoch, with sub-millisecond precision */
  start: z.number(),
  durationMs: z.number(),
  method: z.string().nullable(),
  session: z.string().nullable(),
  client: z.string().nullable(),
  server: z.string().nullable(),
  tool: z.string().nullable(),
  status: SpanStatusSchema,
  error: z.string().nullable(),
  /** The JSON-RPC id of the client's request (root spans). */
  rpcId: z.string().nullable(),
  /** The request the gateway received (its parent, if any, is the client's own span). */
  root: z.boolean().optional(),
  /** Progress and cancellation, as they happened. */
  events: z.array(SpanEventSchema).optional(),
  /** Steps recorded with their root span (route, upstream call, respond); getTrace flattens them. */
  get steps() {
    return z.array(SpanSchema).optional();
  },
});
/** One span of a trace. */
export type Span = z.infer<typeof SpanSchema>;

/** A query over traced requests (their root spans). */
export const TraceQuerySchema = z.object({
  traceId: z.string().optional(),
  session: z.string().optional(),
  server: z.string().optional(),
  tool: z.string().optional(),
  status: SpanStatusSchema.optional(),
  since: z.number().optional(),
  until: z.number().optional(),
  limit: z.number().int().positive().max(10_000).optional(),
});
/** A query over traced requests. */
export type TraceQuery = z.infer<typeof TraceQuerySchema>;

/** One JSON-RPC message as it crossed the gateway, redacted and bounded. */
export const MessageRecordSchema = z.object({
  id: z.number().int(),
  time: z.number(),
  /** `client` is the downstream hop (AI client ↔ gateway), `server` the upstream hop (gateway ↔ MCP server). */
  hop: z.enum(['client', 'server']),
  /** Relative to the gateway. */
  direction: z.enum(['in', 'out']),
  session: z.string().nullable(),
  server: z.string().nullable(),
  method: z.string().nullable(),
  rpcId: z.string().nullable(),
  traceId: z.string().nullable(),
  body: z.string(),
});
/** One JSON-RPC message as it crossed the gateway. */
export type MessageRecord = z.infer<typeof MessageRecordSchema>;

/** One step of a connection check. */
export interface DiagnosisCheck {
  step: 'command' | 'folder' | 'url' | 'handshake' | 'ping';
  ok: boolean;
  detail: string;
}

/** What the connection doctor found, and how to run the server by hand. */
export interface Diagnosis {
  server: string;
  state: ServerState;
  checks: DiagnosisCheck[];
  /** Where and what to run in a terminal to see what the server does (secrets hidden). */
  reproduce: { cwd: string; command: string } | null;
  /** Its last stderr lines. */
  stderr: string[];
}
