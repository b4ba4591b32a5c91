import path from 'node:path';
import type { Disposable } from '../base/lifecycle.ts';
import type { Redactor } from '../base/redactor.ts';
import { isAlive, processStartToken } from '../process/os-process.ts';
import { openDatabase, type Db } from './database.ts';
import { AuditTrail } from './audit.ts';
import { ClientRegistry } from './clients.ts';
import { CallHistory } from './history.ts';
import { LogBook, type LogBookOptions } from './logs.ts';
import { ProcessRegistry } from './processes.ts';
import { applyRetention, DEFAULT_RETENTION, usedBytes, type Retention } from './retention.ts';
import { TraceBook } from './traces.ts';

/** The data dir is held by another live Switchboard. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`another Switchboard (pid ${pid}) is using the data dir ${dataDir}; stop it or pass a different --data-dir`);
    this.name = 'DataDirInUseError';
  }
}

export interface StoreOptions {
  logs?: LogBookOptions;
  retention?: Retention;
  /** Every secret value is hidden in what is written (logs, messages, traces, history). */
  redactor?: Redactor;
}

/**
 * The app's sqlite store in the data dir (`switchboard.db`): process registry, logs and settings.
 * Opening it claims the data dir for this process; a second live Switchboard on the same dir is refused.
 */
export class Store implements Disposable {
  readonly processes: ProcessRegistry;
  readonly logs: LogBook;
  readonly traces: TraceBook;
  /** The playground's calls, kept to re-run. */
  readonly history: CallHistory;
  /** The endpoint's clients and their (hashed) tokens. */
  readonly clients: ClientRegistry;
  /** Every call and every decision, append-only. */
  readonly audit: AuditTrail;
  private retentionTimer: NodeJS.Timeout | undefined;
  private sizeTimer: NodeJS.Timeout | undefined;
  private deletedForSize = 0;
  private closed = false;

  private readonly retention: Retention;

  private constructor(
    readonly db: Db,
    options: StoreOptions,
  ) {
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.processes = new ProcessRegistry(db);
    const redact = (text: string) => options.redactor?.redact(text) ?? text;
    this.logs = new LogBook(db, options.logs, redact);
    // Traces and messages come with every call: batched, but at most 100 ms behind, which is what a kill -9 can lose.
    this.traces = new TraceBook(db, { flushDelayMs: 100, ...options.logs }, (message) => this.logs.append({ server: null, stream: 'app', level: 'warn', message }), redact);
    this.history = new CallHistory(db, {}, redact);
    this.clients = new ClientRegistry(db);
    this.audit = new AuditTrail(db, redact);
  }

  static open(dataDir: string, options: StoreOptions = {}): Store {
    const db = openDatabase(path.join(dataDir, 'switchboard.db'));
    try {
      claimOwnership(db, dataDir);
    } catch (error) {
      db.close();
      throw error;
    }
    const store = new Store(db, options);
    store.applyRetention();
    store.retentionTimer = setInterval(() => store.applyRetention(), 10 * 60_000);
    store.retentionTimer.unref();
    // The size cap holds between retention runs too: a flood fills a database in seconds, not minutes.
    store.sizeTimer = setInterval(() => store.enforceSize(), 5000);
    store.sizeTimer.unref();
    return store;
  }

  /** Drops logs, spans and messages past the age limit, and the oldest while over the size limit. */
  applyRetention(now = Date.now()): { deleted: number } {
    this.logs.flush();
    this.traces.flush();
    this.audit.applyRetention(now);
    return applyRetention(this.db, this.retention, now);
  }

  /** The size cap, checked now (a few pragmas): over it, the oldest rows go, and the log says how many. */
  enforceSize(now = Date.now()): void {
    if (this.closed || usedBytes(this.db) <= this.retention.maxBytes) return;
    const { deleted } = this.applyRetention(now);
    this.deletedForSize += deleted;
    if (deleted > 0) this.logs.append({ server: null, stream: 'app', level: 'warn', message: `the store reached its ${Math.round(this.retention.maxBytes / 1024 / 1024)} MB cap: deleted the ${deleted} oldest log lines, messages and spans` });
  }

  /** The store's size against its cap, and what it let go of. */
  stats(): { bytes: number; maxBytes: number; deletedForSize: number; droppedWrites: number } {
    return { bytes: this.closed ? 0 : usedBytes(this.db), maxBytes: this.retention.maxBytes, deletedForSize: this.deletedForSize, droppedWrites: this.logs.dropped + this.traces.dropped };
  }

  getSetting(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Writes everything queued, releases the data dir and closes the database. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.retentionTimer);
    clearInterval(this.sizeTimer);
    this.logs.dispose();
    this.traces.dispose();
    this.audit.dispose();
    this.clients.flush();
    this.db.prepare('DELETE FROM owner WHERE pid = ?').run(process.pid);
    this.db.close();
  }
}

/**
 * The clients and the audit trail of a data dir, for the `switchboard clients` and `audit` commands: opened beside a
 * running Switchboard (sqlite allows it), without claiming the data dir. The running one sees the change at its next
 * request.
 */
export function openAccessStore(dataDir: string): { clients: ClientRegistry; audit: AuditTrail; close(): void } {
  const db = openDatabase(path.join(dataDir, 'switchboard.db'));
  const clients = new ClientRegistry(db);
  const audit = new AuditTrail(db);
  return {
    clients,
    audit,
    close: () => {
      clients.flush();
      audit.dispose();
      db.close();
    },
  };
}

function claimOwnership(db: Db, dataDir: string): void {
  db.transaction(() => {
    const owner = db.prepare('SELECT pid, token FROM owner WHERE id = 1').get() as { pid: number; token: string | null } | undefined;
    if (owner && owner.pid !== process.pid && isAlive(owner.pid) && processStartToken(owner.pid) === owner.token) {
      throw new DataDirInUseError(dataDir, owner.pid);
    }
    db.prepare('INSERT OR REPLACE INTO owner (id, pid, token, started_at) VALUES (1, ?, ?, ?)').run(process.pid, processStartToken(process.pid), Date.now());
  }).immediate();
}
