import type { MessageRecord, Span, SpanEvent, SpanStatus, TraceQuery } from '../../../shared/model.ts';
import { Emitter, type Event } from '../base/event.ts';
import type { Disposable } from '../base/lifecycle.ts';
import { BatchWriter, type BatchOptions } from './batch.ts';
import { Conditions } from './conditions.ts';
import type { Db } from './database.ts';

/** A message to record; serialized (redacted, bounded) when its batch is written, not on the request path. */
export interface NewMessage {
  time: number;
  hop: MessageRecord['hop'];
  direction: MessageRecord['direction'];
  session: string | null;
  server: string | null;
  traceId: string | null;
  message: unknown;
}

/** A recorded message as lists show it: everything but the body, of which only the start. */
export type MessagePreview = Omit<MessageRecord, 'body'> & { preview: string };

/** A client session the gateway served, from its traces. */
export interface SessionSummary {
  session: string | null;
  client: string | null;
  first: number;
  last: number;
  requests: number;
}

/** The start of a message body shown in a list line; the rest is one `getMessage` away. */
export const PREVIEW_CHARS = 400;
const PREVIEW_COLUMNS = `id, time, hop, direction, session, server, method, rpc_id, trace_id, substr(body, 1, ${PREVIEW_CHARS}) AS preview`;

/** Bodies longer than this are cut (a base64 image does not belong in the message log in full). */
export const MAX_BODY_CHARS = 64 * 1024;
/** Keys whose values are secrets; protocol fields that merely contain "token" are not. */
const SECRET_KEY = /^(?!progressToken$|maxTokens$).*(token|secret|password|passwd|api[-_]?key|authorization|cookie|credential)/i;
const SECRET_KEY_IN_JSON = /"(?!progressToken"|maxTokens")[^"]*(token|secret|password|passwd|api[-_]?key|authorization|cookie|credential)[^"]*":/i;

/** The traces of the gateway's requests and the JSON-RPC messages of both hops, written in batches. */
export class TraceBook implements Disposable {
  private readonly spans: BatchWriter<Span>;
  private readonly messages: BatchWriter<NewMessage>;
  private readonly onDidAppendMessagesEmitter = new Emitter<readonly MessagePreview[]>();
  /** Messages just written, with their ids (for live tails): the event the window's updates come from. */
  readonly onDidAppendMessages: Event<readonly MessagePreview[]> = this.onDidAppendMessagesEmitter.event;
  private readonly onDidAppendSpansEmitter = new Emitter<void>();
  /** Spans were just written (a traced request ended). */
  readonly onDidAppendSpans: Event<void> = this.onDidAppendSpansEmitter.event;

  /** Messages kept as placeholders since the last warning about them. */
  private unrecordable = 0;
  private lastWarning = 0;

  constructor(
    private readonly db: Db,
    options: BatchOptions = {},
    /** Told (at most once a minute) when messages had to be kept as placeholders. */
    private readonly warn: (message: string) => void = () => undefined,
    /** Hides secret values in what is written (message bodies, span errors). */
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    const insertSpan = db.prepare(
      `INSERT INTO spans (trace_id, span_id, parent_span_id, name, start, duration_ms, method, session, client, server, tool, status, error, rpc_id, steps, is_root, events)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertMessage = db.prepare(
      `INSERT INTO messages (time, hop, direction, session, server, method, rpc_id, trace_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const writeSpans = db.transaction((spans: Span[]) => {
      for (const s of spans) {
        const error = s.error === null ? null : this.redact(s.error);
        insertSpan.run(s.traceId, s.spanId, s.parentSpanId, s.name, s.start, s.durationMs, s.method, s.session, s.client, s.server, s.tool, s.status, error, s.rpcId, s.steps ? this.redact(JSON.stringify(s.steps.map((step) => compactStep(s, step)))) : null, s.root ? 1 : 0, s.events ? this.redact(JSON.stringify(s.events)) : null);
      }
    });
    this.spans = new BatchWriter((spans) => {
      writeSpans(spans);
      if (this.onDidAppendSpansEmitter.hasListeners) this.onDidAppendSpansEmitter.fire();
    }, options);
    const writeMessages = db.transaction((messages: NewMessage[]): MessagePreview[] => {
      const written: MessagePreview[] = [];
      for (const m of messages) {
        const { method, rpcId } = describeMessage(m.message);
        const body = this.redact(serializeBody(m.message));
        if (body.startsWith(PLACEHOLDER_START)) this.noteUnrecordable();
        const info = insertMessage.run(m.time, m.hop, m.direction, m.session, m.server, method, rpcId, m.traceId, body);
        written.push({ id: Number(info.lastInsertRowid), time: m.time, hop: m.hop, direction: m.direction, session: m.session, server: m.server, method, rpcId, traceId: m.traceId, preview: body.slice(0, PREVIEW_CHARS) });
      }
      return written;
    });
    this.messages = new BatchWriter((messages) => {
      const written = writeMessages(messages);
      if (this.onDidAppendMessagesEmitter.hasListeners) this.onDidAppendMessagesEmitter.fire(written);
    }, options);
  }

  /** Spans and messages dropped because the writer fell too far behind. */
  get dropped(): number {
    return this.spans.dropped + this.messages.dropped;
  }

  recordSpan(span: Span): void {
    this.spans.push(span);
  }

  recordMessage(message: NewMessage): void {
    this.messages.push(message);
  }

  flush(): void {
    this.spans.flush();
    this.messages.flush();
  }

  /** Traced requests (root spans), newest last: the newest `limit` that match. */
  queryTraces(query: TraceQuery = {}): Span[] {
    this.flush();
    const where = new Conditions()
      .add('is_root = 1')
      .equal('trace_id', query.traceId)
      .equal('session', query.session)
      .equal('server', query.server)
      .equal('tool', query.tool)
      .equal('status', query.status)
      .atLeast('start', query.since)
      .atMost('start', query.until);
    const rows = this.db.prepare(`SELECT * FROM spans ${where.sql} ORDER BY start DESC LIMIT ?`).all(...where.params, query.limit ?? 200) as SpanRow[];
    return rows.reverse().map((row) => withoutSteps(toSpan(row)));
  }

  /**
   * Every span of one trace, in start order, and its messages: those tagged with the trace (the upstream hop,
   * modern clients), and the client's request and response of a session (matched by id within the span's time).
   */
  getTrace(traceId: string): { spans: Span[]; messages: MessageRecord[] } {
    this.flush();
    const rows = (this.db.prepare('SELECT * FROM spans WHERE trace_id = ? ORDER BY start, id').all(traceId) as SpanRow[]).map(toSpan);
    // A root row holds its steps; the trace is every span, flat, in start order.
    const spans = rows.flatMap((span) => [withoutSteps(span), ...(span.steps ?? []).map(withoutSteps)]).sort((a, b) => a.start - b.start);
    const root = spans.find((span) => span.root) ?? spans[0];
    const messageRows =
      root?.session && root.rpcId
        ? (this.db
            .prepare(
              `SELECT * FROM messages WHERE trace_id = ?
               OR (trace_id IS NULL AND hop = 'client' AND session = ? AND rpc_id = ? AND time BETWEEN ? AND ?) ORDER BY id`,
            )
            .all(traceId, root.session, root.rpcId, Math.floor(root.start) - 1000, Math.ceil(root.start + root.durationMs) + 1000) as MessageRow[])
        : (this.db.prepare('SELECT * FROM messages WHERE trace_id = ? ORDER BY id').all(traceId) as MessageRow[]);
    return { spans, messages: messageRows.map(toMessage) };
  }

  /** Recorded messages matching every filter given, newest last: the newest `limit` (before `beforeId`). */
  queryMessages(query: { session?: string; server?: string; method?: string; text?: string; since?: number; until?: number; beforeId?: number; limit?: number } = {}): MessageRecord[] {
    this.flush();
    const where = new Conditions()
      .equal('session', query.session)
      .equal('server', query.server)
      .equal('method', query.method)
      .contains('body', query.text)
      .atLeast('time', query.since)
      .atMost('time', query.until)
      .below('id', query.beforeId);
    const rows = this.db.prepare(`SELECT * FROM messages ${where.sql} ORDER BY id DESC LIMIT ?`).all(...where.params, query.limit ?? 500) as MessageRow[];
    return rows.reverse().map(toMessage);
  }

  private noteUnrecordable(): void {
    this.unrecordable++;
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    const count = this.unrecordable;
    this.unrecordable = 0;
    // After the write: the warning goes to the logs, which may batch into this same moment.
    queueMicrotask(() => this.warn(`${count} JSON-RPC message${count === 1 ? '' : 's'} could not be recorded as JSON (too deeply nested, or not JSON at all) and ${count === 1 ? 'was' : 'were'} kept as a placeholder saying so`));
  }

  /** Message previews matching every filter given, newest last: the newest `limit` before `beforeId`. */
  messagePreviews(query: { server?: string; text?: string; since?: number; until?: number; beforeId?: number; limit: number; notifications?: boolean }): MessagePreview[] {
    this.flush();
    const where = new Conditions().equal('server', query.server).contains('body', query.text).atLeast('time', query.since).atMost('time', query.until).below('id', query.beforeId);
    // What servers sent of their own accord (the Playground's notifications pane).
    if (query.notifications) where.add("hop = 'server' AND direction = 'in' AND method LIKE 'notifications/%'");
    const rows = this.db.prepare(`SELECT ${PREVIEW_COLUMNS} FROM messages ${where.sql} ORDER BY id DESC LIMIT ?`).all(...where.params, query.limit) as (MessageRow & { preview: string })[];
    return rows.reverse().map((row) => ({ ...withoutBody(toMessage({ ...row, body: '' })), preview: row.preview }));
  }

  /** One message in full. */
  getMessage(id: number): MessageRecord | undefined {
    this.flush();
    const row = this.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  /**
   * The client sessions served since `since`, from their traces: one per legacy session, one per client name for
   * sessionless (2026-07-28) clients, leaving out the sessions whose id starts with `excludePrefix`.
   */
  recentSessions(since: number, excludePrefix: string): SessionSummary[] {
    this.flush();
    return this.db
      .prepare(
        `SELECT session, client, MIN(start) AS first, MAX(start + duration_ms) AS last, COUNT(*) AS requests
         FROM spans
         WHERE is_root = 1 AND start >= ? AND (session IS NULL OR substr(session, 1, ?) != ?)
         GROUP BY COALESCE(session, 'client:' || COALESCE(client, ''))
         ORDER BY last DESC LIMIT 100`,
      )
      .all(since, excludePrefix.length, excludePrefix) as SessionSummary[];
  }

  dispose(): void {
    this.spans.dispose();
    this.messages.dispose();
    this.onDidAppendMessagesEmitter.dispose();
    this.onDidAppendSpansEmitter.dispose();
  }
}

function withoutBody(message: MessageRecord): Omit<MessageRecord, 'body'> {
  const { body: _body, ...rest } = message;
  return rest;
}

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start: number;
  duration_ms: number;
  method: string | null;
  session: string | null;
  client: string | null;
  server: string | null;
  tool: string | null;
  status: SpanStatus;
  error: string | null;
  rpc_id: string | null;
  steps: string | null;
  is_root: number;
  events: string | null;
}

interface MessageRow {
  id: number;
  time: number;
  hop: MessageRecord['hop'];
  direction: MessageRecord['direction'];
  session: string | null;
  server: string | null;
  method: string | null;
  rpc_id: string | null;
  trace_id: string | null;
  body: string;
}

function toSpan(row: SpanRow): Span {
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    start: row.start,
    durationMs: row.duration_ms,
    method: row.method,
    session: row.session,
    client: row.client,
    server: row.server,
    tool: row.tool,
    status: row.status,
    error: row.error,
    rpcId: row.rpc_id,
    ...(row.is_root ? { root: true } : {}),
    ...(row.steps ? { steps: (JSON.parse(row.steps) as Partial<Span>[]).map((step) => expandStep(row, step)) } : {}),
    ...(row.events ? { events: JSON.parse(row.events) as SpanEvent[] } : {}),
  };
}

/**
 * A step as stored inside its root's row: only what differs from the root (a step has the root's trace, method,
 * session, client, and mostly its server and tool), so a call's row is a third of the JSON to write and redact.
 */
function compactStep(root: Span, step: Span): Partial<Span> {
  const out: Partial<Span> = { spanId: step.spanId, name: step.name, start: step.start, durationMs: step.durationMs };
  if (step.parentSpanId !== root.spanId) out.parentSpanId = step.parentSpanId;
  if (step.status !== 'ok') out.status = step.status;
  if (step.error !== null) out.error = step.error;
  for (const key of ['method', 'session', 'client', 'server', 'tool'] as const) if (step[key] !== root[key]) out[key] = step[key];
  if (step.rpcId !== null) out.rpcId = step.rpcId;
  if (step.events) out.events = step.events;
  return out;
}

/** A stored step back in full (rows written before steps were compacted have every field already). */
function expandStep(root: SpanRow, step: Partial<Span>): Span {
  return {
    traceId: root.trace_id,
    parentSpanId: root.span_id,
    method: root.method,
    session: root.session,
    client: root.client,
    server: root.server,
    tool: root.tool,
    status: 'ok',
    error: null,
    rpcId: null,
    ...step,
  } as Span;
}

function withoutSteps(span: Span): Span {
  if (!span.steps) return span;
  const { steps: _steps, ...rest } = span;
  return rest;
}

function toMessage(row: MessageRow): MessageRecord {
  return { id: row.id, time: row.time, hop: row.hop, direction: row.direction, session: row.session, server: row.server, method: row.method, rpcId: row.rpc_id, traceId: row.trace_id, body: row.body };
}

/** How a placeholder body starts (a message JSON could not write). */
const PLACEHOLDER_START = '{"switchboard":';

/** Ids are bounded where they come in; a stored id is cut anyway, so no row holds a huge one. */
const MAX_STORED_ID = 256;

function describeMessage(message: unknown): { method: string | null; rpcId: string | null } {
  const value = (typeof message === 'object' && message !== null ? message : {}) as { method?: unknown; id?: unknown };
  const id = value.id === undefined || value.id === null ? null : String(value.id);
  return { method: typeof value.method === 'string' ? value.method.slice(0, 200) : null, rpcId: id === null ? null : id.slice(0, MAX_STORED_ID) };
}

/**
 * JSON with values under secret-looking keys replaced, cut to MAX_BODY_CHARS. Never throws: a message that cannot
 * be written as JSON (nested deeper than JSON.stringify goes, a cycle) is kept as a placeholder that says so.
 */
export function serializeBody(message: unknown): string {
  let text: string;
  try {
    // Only what is kept is serialized and searched for secrets: a 1 MB result was stringified whole, and the
    // secret-key check ran over all of it, to keep its first 64 KB (half the gateway's CPU with 1 MB results).
    // (A string is cut a little shorter than the body, so that one long string leaves the body whole JSON.)
    message = boundStrings(message, MAX_BODY_CHARS - 1024);
    text = JSON.stringify(message) ?? 'null';
    // A replacer makes stringify several times slower: only a message with a secret-looking key pays for it.
    if (SECRET_KEY_IN_JSON.test(text)) {
      text = JSON.stringify(message, (key, value: unknown) => (key !== '' && SECRET_KEY.test(key) && typeof value !== 'object' ? '[redacted]' : value));
    }
  } catch (error) {
    const { method, rpcId } = describeMessage(message);
    return `${PLACEHOLDER_START}${JSON.stringify(`this message could not be recorded: ${error instanceof Error ? error.message : String(error)}`)},"method":${JSON.stringify(method)},"id":${JSON.stringify(rpcId)}}`;
  }
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}… [${text.length - MAX_BODY_CHARS} more characters]` : text;
}

/**
 * The value with every string longer than `limit` cut to `limit` (and saying how much was cut), copied only along
 * the paths that changed: the same object when nothing is that long. Its cost is the number of values, not bytes.
 */
export function boundStrings(value: unknown, limit: number): unknown {
  if (typeof value === 'string') return value.length > limit ? `${value.slice(0, limit)}… [cut: ${value.length - limit} more characters]` : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const bounded = boundStrings(value[index], limit);
      if (bounded !== value[index]) (copy ??= value.slice())[index] = bounded;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const original = (value as Record<string, unknown>)[key];
    const bounded = boundStrings(original, limit);
    if (bounded !== original) (copy ??= { ...(value as Record<string, unknown>) })[key] = bounded;
  }
  return copy ?? value;
}
