import { LOG_LEVELS, type LogEntry } from '../../../shared/model.ts';
import type { LogCursor, LogFilter, LogItem, LogPage } from '../../../shared/contract.ts';
import type { Store } from '../store/store.ts';
import type { MessagePreview } from '../store/traces.ts';

/**
 * One page of the Logs page's merged list (log lines and JSON-RPC messages, by time), the newest `limit` before
 * `before`. Each source is paged by its own ids, so a page never loads more than `limit` rows of either.
 */
export function queryLogPage(store: Store, filter: LogFilter, before: LogCursor | undefined, limit = 500): LogPage {
  const source = filter.source ?? 'all';
  const wantLogs = source !== 'rpc' && !filter.notifications && before?.log !== 0;
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
  return store.traces.messagePreviews({ server: filter.server, text: filter.text, since: filter.since, until: filter.until, beforeId, limit, ...(filter.notifications ? { notifications: true } : {}) }).map(rpcItem);
}

export function logItem(entry: LogEntry): LogItem {
  return { kind: 'log', id: entry.id, time: entry.time, server: entry.server, stream: entry.stream, level: LOG_LEVELS.includes(entry.level) ? entry.level : 'info', message: entry.message, ...(entry.traceId ? { traceId: entry.traceId } : {}) };
}

export function rpcItem(message: MessagePreview): LogItem {
  return {
    kind: 'rpc',
    id: message.id,
    time: message.time,
    server: message.server,
    hop: message.hop,
    direction: message.direction,
    session: message.session,
    method: message.method,
    rpcId: message.rpcId,
    traceId: message.traceId,
    preview: message.preview,
  };
}

function byTime(a: LogItem, b: LogItem): number {
  return a.time - b.time || (a.kind === b.kind ? a.id - b.id : a.kind === 'log' ? -1 : 1);
}
