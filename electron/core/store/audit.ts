import crypto from 'node:crypto';
import type { AuditEntry, AuditQuery } from '../../../shared/access.ts';
import type { Disposable } from '../base/lifecycle.ts';
import { BatchWriter } from './batch.ts';
import type { Db } from './database.ts';

/** One call and its decision, as the pipeline reports it (the arguments as they were sent). */
export interface NewAuditEntry {
  time: number;
  client: string;
  method: string;
  server: string | null;
  target: string | null;
  arguments: unknown;
  decision: AuditEntry['decision'];
  decidedBy: string;
  outcome: AuditEntry['outcome'];
  durationMs: number;
  traceId: string | null;
  detail: string | null;
}

interface Row {
  id: number;
  time: number;
  client: string;
  method: string;
  server: string | null;
  target: string | null;
  arguments: string | null;
  args_hash: string | null;
  decision: AuditEntry['decision'];
  decided_by: string;
  outcome: AuditEntry['outcome'];
  duration_ms: number;
  trace_id: string | null;
  detail: string | null;
}

/** Arguments kept in the trail are cut past this (the hash is of the whole). */
const MAX_ARGUMENT_CHARS = 16 * 1024;
/** The trail's own retention: far longer than logs, and never pruned for size. */
export const AUDIT_RETENTION_MS = 90 * 24 * 3600_000;

/**
 * The audit trail: every call and every decision, in its own append-only table (a trigger refuses updates).
 * Rows are written in batches at most 100 ms behind; arguments are kept with their secrets hidden and hashed
 * whole, so two calls can be matched without keeping what they carried.
 */
export class AuditTrail implements Disposable {
  private readonly writer: BatchWriter<NewAuditEntry>;

  constructor(
    private readonly db: Db,
    private readonly redact: (text: string) => string = (text) => text,
    private readonly retentionMs = AUDIT_RETENTION_MS,
  ) {
    const insert = db.prepare(
      `INSERT INTO audit (time, client, method, server, target, arguments, args_hash, decision, decided_by, outcome, duration_ms, trace_id, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.writer = new BatchWriter(
      (entries) =>
        db.transaction(() => {
          for (const entry of entries) {
            const text = entry.arguments === undefined ? null : safeJson(entry.arguments);
            insert.run(
              entry.time,
              entry.client,
              entry.method,
              entry.server,
              entry.target === null ? null : this.redact(entry.target),
              text === null ? null : this.redact(text.length > MAX_ARGUMENT_CHARS ? `${text.slice(0, MAX_ARGUMENT_CHARS)}…` : text),
              text === null ? null : crypto.createHash('sha256').update(text).digest('hex'),
              entry.decision,
              entry.decidedBy,
              entry.outcome,
              entry.durationMs,
              entry.traceId,
              entry.detail === null ? null : this.redact(entry.detail),
            );
          }
        })(),
      { flushDelayMs: 100 },
    );
  }

  append(entry: NewAuditEntry): void {
    this.writer.push(entry);
  }

  /** Newest first. */
  query(query: AuditQuery = {}): AuditEntry[] {
    this.flush();
    const where: string[] = [];
    const values: unknown[] = [];
    const filters: [string, unknown][] = [
      ['time >= ?', query.since],
      ['client = ?', query.client],
      ['decision = ?', query.decision],
      ['id < ?', query.beforeId],
    ];
    for (const [condition, value] of filters) {
      if (value === undefined) continue;
      where.push(condition);
      values.push(value);
    }
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...values, query.limit ?? 500) as Row[]).map(toEntry);
  }

  /** Drops rows past the trail's own retention. */
  applyRetention(now = Date.now()): number {
    return this.db.prepare('DELETE FROM audit WHERE time < ?').run(now - this.retentionMs).changes;
  }

  flush(): void {
    this.writer.flush();
  }

  get dropped(): number {
    return this.writer.dropped;
  }

  dispose(): void {
    this.writer.dispose();
  }
}

function toEntry(row: Row): AuditEntry {
  return {
    id: row.id,
    time: row.time,
    client: row.client,
    method: row.method,
    server: row.server,
    target: row.target,
    arguments: row.arguments,
    argumentsHash: row.args_hash,
    decision: row.decision,
    decidedBy: row.decided_by,
    outcome: row.outcome,
    durationMs: row.duration_ms,
    traceId: row.trace_id,
    detail: row.detail,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '"[arguments that cannot be shown as JSON]"';
  }
}
