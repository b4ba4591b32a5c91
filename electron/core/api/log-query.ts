import { LOG_LEVELS, type LogEntry, type MessageRecord } from '../../../shared/model.ts';
import type { LogCursor, LogFilter, LogItem, LogPage } from '../../../shared/contract.ts';
import { Conditions } from '../store/conditions.ts';
import type { Store } from '../store/store.ts';

/** The start of a message body shown in a list line; the rest is one `logs.message` away. */
export const PREVIEW_CHARS = 400;

type MessageRow = Omit<MessageRecord, 'body' | 'rpcId' | 'traceId'> & { rpc_id: string | null; trace_id: string | null; preview: string };

const MESSAGE_COLUMNS = `id, time, hop, direction, session, server, method, rpc_id, trace_id, substr(body, 1, ${PREVIEW_CHARS}) AS preview`;

/**
 * One page of the Logs page's merged list (log lines and JSON-RPC messages, by time), the newest `limit` before
 * `before`. Each source is paged by its own ids, so a page never loads more than `limit` rows of either.
 */
export function queryLogPage(store: Store, filter: LogFilter, before: LogCursor | undefined, limit = 500): LogPage {
  const source = filter.source ?? 'all';
  const wantLogs = source !== 'rpc' && before?.log !== 0;
  // Messages have no stream and no level: a filter on the stream leaves them out.
  const wantRpc = source !== 'logs' && filter.stream === undefined && before?.rpc !== 0;
  const logs: LogItem[] = wantLogs
    ? store.logs
        .query({ server: filter.server, level: filter.level, stream: filter.stream, text: filter.text, since: filter.since, until: filter.until, beforeId: before?.log ?? undefined, limit })
        .map(logItem)
    : [];
  const rpc: LogItem[] = wantRpc ? queryMessages(store, filter, before?.rpc ?? undefined, limit) : [];

  const merged = [...logs, ...rpc].sort(byTime);
  const items = merged.slice(Math.max(0, merged.length - limit));
  const next = (kind: LogItem['kind'], fetched: LogItem[], wanted: boolean, previous: number | null | undefined): number | null => {
    if (!wanted) return 0;
    const taken = items.filter((item) => item.kind === kind);
    const exhausted = fetched.length < limit && taken.length === fetched.length;
    if (exhausted) return 0;
    if (taken.length === 0) return previous ?? null;
    return Math.min(...taken.map((item) => item.id));
  };
  const cursor: LogCursor = { log: next('log', logs, wantLogs, before?.log), rpc: next('rpc', rpc, wantRpc, before?.rpc) };
  return { items, next: cursor.log === 0 && cursor.rpc === 0 ? null : cursor };
}

function queryMessages(store: Store, filter: LogFilter, beforeId: number | undefined, limit: number): LogItem[] {
  store.traces.flush();
  const where = new Conditions()
    .equal('server', filter.server)
    .contains('body', filter.text)
    .atLeast('time', filter.since)
    .atMost('time', filter.until)
    .below('id', beforeId);
  const rows = store.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages ${where.sql} ORDER BY id DESC LIMIT ?`).all(...where.params, limit) as MessageRow[];
  return rows.reverse().map(rpcItem);
}

/** One message in full. */
export function getMessage(store: Store, id: number): MessageRecord | undefined {
  store.traces.flush();
  const row = store.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as (Omit<MessageRecord, 'rpcId' | 'traceId'> & { rpc_id: string | null; trace_id: string | null }) | undefined;
  if (!row) return undefined;
  const { rpc_id, trace_id, ...rest } = row;
  return { ...rest, rpcId: rpc_id, traceId: trace_id };
}

/** Messages recorded after `afterId`, oldest first (for the live tail). */
export function messagesAfter(store: Store, afterId: number, limit: number): LogItem[] {
  const rows = store.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as MessageRow[];
  return rows.map(rpcItem);
}

export function lastMessageId(store: Store): number {
  return (store.db.prepare('SELECT MAX(id) AS id FROM messages').get() as { id: number | null }).id ?? 0;
}

/** The newest root span's row id: it moves when a traced request ends. */
export function lastTraceRow(store: Store): number {
  return (store.db.prepare('SELECT MAX(id) AS id FROM spans').get() as { id: number | null }).id ?? 0;
}

export function logItem(entry: LogEntry): LogItem {
  return { kind: 'log', id: entry.id, time: entry.time, server: entry.server, stream: entry.stream, level: LOG_LEVELS.includes(entry.level) ? entry.level : 'info', message: entry.message };
}

function rpcItem(row: MessageRow): LogItem {
  return {
    kind: 'rpc',
    id: row.id,
    time: row.time,
    server: row.server,
    hop: row.hop,
    direction: row.direction,
    session: row.session,
    method: row.method,
    rpcId: row.rpc_id,
    traceId: row.trace_id,
    preview: row.preview,
  };
}

function byTime(a: LogItem, b: LogItem): number {
  return a.time - b.time || (a.kind === b.kind ? a.id - b.id : a.kind === 'log' ? -1 : 1);
}
