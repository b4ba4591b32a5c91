import { LOG_LEVELS, type LogEntry, type LogLevel, type LogQuery, type LogStream } from '../../../shared/model.ts';
import { Emitter, type Event } from '../base/event.ts';
import type { Disposable } from '../base/lifecycle.ts';
import type { Db } from './database.ts';

/** A log line before it is stored. */
export interface NewLogEntry {
  time?: number;
  server: string | null;
  stream: LogStream;
  level: LogLevel;
  message: string;
}

export interface LogRetention {
  /** Lines older than this are deleted. */
  maxAgeMs: number;
  /** When the log's share of the database passes this many bytes, the oldest lines go first. */
  maxBytes: number;
}

export interface LogBookOptions {
  /** How long appended lines may wait before they are written (one transaction per batch). */
  flushDelayMs?: number;
  /** A batch this big is written at once. */
  maxBatch?: number;
  /** Lines waiting beyond this are dropped and counted: a stuck disk cannot eat the memory. */
  maxPending?: number;
  retention?: LogRetention;
}

const DEFAULT_RETENTION: LogRetention = { maxAgeMs: 7 * 24 * 3600_000, maxBytes: 256 * 1024 * 1024 };

/**
 * The stored logs. `append` only queues: lines are written in batches, in one transaction each,
 * off the caller's path, so a burst of log lines never blocks the event loop for long.
 */
export class LogBook implements Disposable {
  private readonly onDidAppendEmitter = new Emitter<readonly LogEntry[]>();
  /** Lines just written, with their ids (for live tails). */
  readonly onDidAppend: Event<readonly LogEntry[]> = this.onDidAppendEmitter.event;

  private pending: NewLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private droppedCount = 0;
  private readonly insert;
  private readonly insertMany;
  private readonly options: Required<LogBookOptions>;
  private disposed = false;

  constructor(
    private readonly db: Db,
    options: LogBookOptions = {},
  ) {
    this.options = { flushDelayMs: 50, maxBatch: 5000, maxPending: 200_000, retention: DEFAULT_RETENTION, ...options };
    this.insert = db.prepare<[number, string | null, string, number, string]>(
      'INSERT INTO logs (time, server, stream, level, message) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertMany = db.transaction((entries: readonly NewLogEntry[]): LogEntry[] => {
      const written: LogEntry[] = [];
      for (const entry of entries) {
        const time = entry.time ?? Date.now();
        const info = this.insert.run(time, entry.server, entry.stream, LOG_LEVELS.indexOf(entry.level), entry.message);
        written.push({ id: Number(info.lastInsertRowid), time, server: entry.server, stream: entry.stream, level: entry.level, message: entry.message });
      }
      return written;
    });
  }

  /** Lines dropped because the writer fell too far behind. */
  get dropped(): number {
    return this.droppedCount;
  }

  append(entry: NewLogEntry): void {
    if (this.disposed) return;
    if (this.pending.length >= this.options.maxPending) {
      this.droppedCount++;
      return;
    }
    this.pending.push(entry.time === undefined ? { ...entry, time: Date.now() } : entry);
    if (this.pending.length >= this.options.maxBatch) this.scheduleFlush(0);
    else this.scheduleFlush(this.options.flushDelayMs);
  }

  private scheduleFlush(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushBatch();
      if (this.pending.length > 0) this.scheduleFlush(0);
    }, delayMs);
  }

  private flushBatch(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.options.maxBatch);
    const written = this.insertMany(batch);
    if (this.onDidAppendEmitter.hasListeners) this.onDidAppendEmitter.fire(written);
  }

  /** Writes everything queued, now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) this.flushBatch();
  }

  /** Lines matching `query`, oldest first: the newest `limit` of them (before `beforeId`, when given). */
  query(query: LogQuery = {}): LogEntry[] {
    this.flush();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.server !== undefined) {
      where.push('server = ?');
      params.push(query.server);
    }
    if (query.level !== undefined) {
      where.push('level >= ?');
      params.push(LOG_LEVELS.indexOf(query.level));
    }
    if (query.stream !== undefined) {
      where.push('stream = ?');
      params.push(query.stream);
    }
    if (query.text !== undefined && query.text !== '') {
      where.push("message LIKE ? ESCAPE '\\'");
      params.push(`%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (query.since !== undefined) {
      where.push('time >= ?');
      params.push(query.since);
    }
    if (query.until !== undefined) {
      where.push('time <= ?');
      params.push(query.until);
    }
    if (query.beforeId !== undefined) {
      where.push('id < ?');
      params.push(query.beforeId);
    }
    const sql = `SELECT id, time, server, stream, level, message FROM logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(query.limit ?? 1000);
    const rows = this.db.prepare(sql).all(...params) as { id: number; time: number; server: string | null; stream: LogStream; level: number; message: string }[];
    return rows.reverse().map((row) => ({ ...row, level: LOG_LEVELS[row.level] ?? 'info' }));
  }

  /** Deletes lines past the age limit, then the oldest lines while the database is over its size limit. */
  applyRetention(now = Date.now()): { deleted: number } {
    this.flush();
    const { maxAgeMs, maxBytes } = this.options.retention;
    let deleted = this.db.prepare('DELETE FROM logs WHERE time < ?').run(now - maxAgeMs).changes;
    for (let round = 0; round < 20 && this.usedBytes() > maxBytes; round++) {
      const count = (this.db.prepare('SELECT count(*) AS n FROM logs').get() as { n: number }).n;
      if (count === 0) break;
      // Drop the oldest fifth; freed pages are reused by later writes, so the file stops growing.
      const cut = this.db.prepare('SELECT id FROM logs ORDER BY id LIMIT 1 OFFSET ?').get(Math.max(1, Math.floor(count / 5))) as { id: number } | undefined;
      deleted += cut ? this.db.prepare('DELETE FROM logs WHERE id < ?').run(cut.id).changes : this.db.prepare('DELETE FROM logs').run().changes;
    }
    return { deleted };
  }

  private usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  dispose(): void {
    if (this.disposed) return;
    this.flush();
    this.disposed = true;
    this.onDidAppendEmitter.dispose();
  }
}
