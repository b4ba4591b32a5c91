import type { Db } from './database.ts';

/** A process we started, as recorded so that a later run can find it if we die without stopping it. */
export interface ProcessRecord {
  pid: number;
  pgid: number;
  server: string;
  command: string;
  startToken: string | null;
  ownerPid: number;
  ownerToken: string | null;
  startedAt: number;
}

/** The PID registry: every live child process of ours has a row; a clean stop removes it. */
export class ProcessRegistry {
  constructor(private readonly db: Db) {}

  add(record: ProcessRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO processes (pid, pgid, server, command, start_token, owner_pid, owner_token, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(record.pid, record.pgid, record.server, record.command, record.startToken, record.ownerPid, record.ownerToken, record.startedAt);
  }

  remove(pid: number): void {
    this.db.prepare('DELETE FROM processes WHERE pid = ?').run(pid);
  }

  list(): ProcessRecord[] {
    const rows = this.db.prepare('SELECT * FROM processes ORDER BY started_at').all() as {
      pid: number;
      pgid: number;
      server: string;
      command: string;
      start_token: string | null;
      owner_pid: number;
      owner_token: string | null;
      started_at: number;
    }[];
    return rows.map((row) => ({
      pid: row.pid,
      pgid: row.pgid,
      server: row.server,
      command: row.command,
      startToken: row.start_token,
      ownerPid: row.owner_pid,
      ownerToken: row.owner_token,
      startedAt: row.started_at,
    }));
  }
}
