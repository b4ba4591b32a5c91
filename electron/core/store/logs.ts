import { LOG_LEVELS, type LogEntry, type LogLevel, type LogQuery, type LogStream } from '../../../shared/model.ts';
import { Emitter, type Event } from '../base/event.ts';
import type { Disposable } from '../base/lifecycle.ts';
import { BatchWriter, type BatchOptions } from './batch.ts';
import { Conditions } from './conditions.ts';
import type { Db } from './database.ts';

/** A log line before it is stored. */
export interface NewLogEntry {
  time?: number;
  server: string | null;
  stream: LogStream;
  level: LogLevel;
  message: string;
  /** The trace of the call in flight when the line was written, when there was exactly one. */
  traceId?: string;
}

export type LogBookOptions = BatchOptions;

/**
 * The stored logs. `append` only queues: lines are written in batches, in one transaction each,
 * off the caller's path, so a burst of log lines never blocks the event loop for long.
 */
export class LogBook implements Disposable {
  private readonly onDidAppendEmitter = new Emitter<readonly LogEntry[]>();
  /** Lines just written, with their ids (for live tails). */
  readonly onDidAppend: Event<readonly LogEntry[]> = this.onDidAppendEmitter.event;

  private readonly writer: BatchWriter<NewLogEntry>;
  private readonly insert;
  private readonly insertMany;
  private disposed = false;

  constructor(
    private readonly db: Db,
    options: LogBookOptions = {},
    /** Hides secret values: applied as lines are written, off the caller's path. */
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    this.writer = new BatchWriter((entries) => {
      const written = this.insertMany(entries);
      if (this.onDidAppendEmitter.hasListeners) this.onDidAppendEmitter.fire(written);
    }, options);
    this.insert = db.prepare<[number, string | null, string, number, string, string | null]>(
      'INSERT INTO logs (time, server, stream, level, message, trace_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertMany = db.transaction((entries: readonly NewLogEntry[]): LogEntry[] => {
      const written: LogEntry[] = [];
      for (const entry of entries) {
        const time = entry.time ?? Date.now();
        const message = this.redact(entry.message);
        const info = this.insert.run(time, entry.server, entry.stream, LOG_LEVELS.indexOf(entry.level), message, entry.traceId ?? null);
        written.push({ id: Number(info.lastInsertRowid), time, server: entry.server, stream: entry.stream, level: entry.level, message, ...(entry.traceId ? { traceId: entry.traceId } : {}) });
      }
      return written;
    });
  }

  /** Lines dropped because the writer fell too far behind. */
  get dropped(): number {
    return this.writer.dropped;
  }

  append(entry: NewLogEntry): void {
    if (this.disposed) return;
    this.writer.push(entry.time === undefined ? { ...entry, time: Date.now() } : entry);
  }

  /** Writes everything queued, now. */
  flush(): void {
    this.writer.flush();
  }

  /** Lines matching `query`, oldest first: the newest `limit` of them (before `beforeId`, when given). */
  query(query: LogQuery = {}): LogEntry[] {
    this.flush();
    const where = new Conditions()
      .equal('server', query.server)
      .atLeast('level', query.level === undefined ? undefined : LOG_LEVELS.indexOf(query.level))
      .equal('stream', query.stream)
      .equal('trace_id', query.traceId)
      .contains('message', query.text)
      .atLeast('time', query.since)
      .atMost('time', query.until)
      .below('id', query.beforeId);
    const sql = `SELECT id, time, server, stream, level, message, trace_id FROM logs ${where.sql} ORDER BY id DESC LIMIT ?`;
    const params = [...where.params, query.limit ?? 1000];
    const rows = this.db.prepare(sql).all(...params) as { id: number; time: number; server: string | null; stream: LogStream; level: number; message: string; trace_id: string | null }[];
    return rows.reverse().map(({ trace_id, ...row }) => ({ ...row, level: LOG_LEVELS[row.level] ?? 'info', ...(trace_id ? { traceId: trace_id } : {}) }));
  }

  dispose(): void {
    if (this.disposed) return;
    this.writer.dispose();
    this.disposed = true;
    this.onDidAppendEmitter.dispose();
  }
}
