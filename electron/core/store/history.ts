import type { CallStatus, HistoryEntry, HistorySummary, JsonObject, ToolResult } from '../../../shared/contract.ts';
import type { Db } from './database.ts';
import { Conditions } from './conditions.ts';

/** A finished call, to keep: what the history lists of it, its result, and where it came from. */
export type NewHistoryEntry = Omit<HistorySummary, 'id'> & { source: 'playground'; result: ToolResult | null };

export interface CallHistoryOptions {
  /** Results longer than this (as JSON) are kept without their large parts. */
  maxResultChars?: number;
  /** Calls kept; older ones are pruned as new ones arrive. */
  maxEntries?: number;
}

interface Row {
  id: number;
  time: number;
  tool: string;
  server: string | null;
  arguments: string;
  status: CallStatus;
  duration_ms: number;
  error: string | null;
  result: string | null;
  truncated: number;
  trace_id: string | null;
}

/** The playground's call history in the store (`tool_calls`): re-run, copy as JSON-RPC, survive restarts. */
export class CallHistory {
  private readonly maxResultChars: number;
  private readonly maxEntries: number;
  private added = 0;

  constructor(
    private readonly db: Db,
    options: CallHistoryOptions = {},
    /** Hides secret values in the arguments, results and errors kept. */
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    this.maxResultChars = options.maxResultChars ?? 512 * 1024;
    this.maxEntries = options.maxEntries ?? 2000;
  }

  add(entry: NewHistoryEntry): HistorySummary {
    const { text, truncated } = boundResult(entry.result, this.maxResultChars);
    const info = this.db
      .prepare(
        `INSERT INTO tool_calls (time, source, tool, server, arguments, status, duration_ms, error, result, truncated, trace_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.time,
        entry.source,
        entry.tool,
        entry.server,
        this.redact(JSON.stringify(entry.arguments)),
        entry.status,
        entry.durationMs,
        entry.error === null ? null : this.redact(entry.error),
        text === null ? null : this.redact(text),
        truncated ? 1 : 0,
        entry.traceId,
      );
    if (++this.added % 100 === 0) this.prune();
    const { result: _result, source: _source, ...summary } = entry;
    return { ...summary, id: Number(info.lastInsertRowid) };
  }

  /** Newest first. */
  list(query: { tool?: string; beforeId?: number; limit?: number } = {}): HistorySummary[] {
    const where = new Conditions().equal('tool', query.tool).below('id', query.beforeId);
    const rows = this.db
      .prepare(`SELECT id, time, tool, server, arguments, status, duration_ms, error, trace_id FROM tool_calls ${where.sql} ORDER BY id DESC LIMIT ?`)
      .all(...where.params, query.limit ?? 200) as Omit<Row, 'result' | 'truncated'>[];
    return rows.map(toSummary);
  }

  get(id: number): HistoryEntry | undefined {
    const row = this.db.prepare('SELECT * FROM tool_calls WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    return { ...toSummary(row), result: row.result === null ? null : (JSON.parse(row.result) as ToolResult), truncated: row.truncated === 1 };
  }

  clear(): void {
    this.db.prepare('DELETE FROM tool_calls').run();
  }

  /** Drops the oldest calls beyond the limit. */
  prune(): void {
    this.db.prepare('DELETE FROM tool_calls WHERE id <= (SELECT id FROM tool_calls ORDER BY id DESC LIMIT 1 OFFSET ?)').run(this.maxEntries);
  }
}

function toSummary(row: Omit<Row, 'result' | 'truncated'>): HistorySummary {
  return {
    id: row.id,
    time: row.time,
    tool: row.tool,
    server: row.server,
    arguments: JSON.parse(row.arguments) as JsonObject,
    status: row.status,
    durationMs: row.duration_ms,
    error: row.error,
    traceId: row.trace_id,
  };
}

/** The result as JSON; past the bound, large binary and text parts are replaced by a note (the rest stays readable). */
export function boundResult(result: ToolResult | null, maxChars: number): { text: string | null; truncated: boolean } {
  if (result === null) return { text: null, truncated: false };
  const text = JSON.stringify(result);
  if (text.length <= maxChars) return { text, truncated: false };
  const budget = Math.max(256, Math.floor(maxChars / Math.max(1, result.content.length) / 2));
  const cut = (value: string) => (value.length > budget ? `${value.slice(0, budget)}… [${value.length - budget} more characters not kept]` : value);
  const content = result.content.map((block) => {
    if (block.type === 'image' || block.type === 'audio') return { type: 'text' as const, text: `[${block.type} ${block.mimeType}, ${block.data.length} base64 characters, not kept in the history]` };
    if (block.type === 'text') return { ...block, text: cut(block.text) };
    if (block.type === 'resource') return { ...block, resource: { ...block.resource, ...(block.resource.text !== undefined ? { text: cut(block.resource.text) } : {}), ...(block.resource.blob !== undefined ? { blob: '' } : {}) } };
    return block;
  });
  let bounded = JSON.stringify({ ...result, content });
  if (bounded.length > maxChars) bounded = JSON.stringify({ content: [{ type: 'text', text: `${bounded.slice(0, maxChars)}…` }], isError: result.isError });
  return { text: bounded, truncated: true };
}
