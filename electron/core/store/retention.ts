import type { Db } from './database.ts';

export interface Retention {
  /** Rows older than this are deleted. */
  maxAgeMs: number;
  /** While the database holds more than this many bytes, the oldest rows go first. */
  maxBytes: number;
}

export const DEFAULT_RETENTION: Retention = { maxAgeMs: 7 * 24 * 3600_000, maxBytes: 256 * 1024 * 1024 };

/** The tables that grow with use, and their time column. */
const TABLES = [
  ['logs', 'time'],
  ['spans', 'start'],
  ['messages', 'time'],
] as const;

/**
 * Deletes what is past the age limit, then, while the database is over its size limit, the oldest fifth of
 * every growing table. Freed pages are reused by later writes, so the file stops growing.
 */
export function applyRetention(db: Db, retention: Retention, now = Date.now()): { deleted: number } {
  let deleted = 0;
  for (const [table, column] of TABLES) deleted += db.prepare(`DELETE FROM ${table} WHERE ${column} < ?`).run(now - retention.maxAgeMs).changes;
  for (let round = 0; round < 20 && usedBytes(db) > retention.maxBytes; round++) {
    let deletedThisRound = 0;
    for (const [table] of TABLES) {
      const count = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      if (count === 0) continue;
      const cut = db.prepare(`SELECT id FROM ${table} ORDER BY id LIMIT 1 OFFSET ?`).get(Math.max(1, Math.floor(count / 5))) as { id: number } | undefined;
      deletedThisRound += cut ? db.prepare(`DELETE FROM ${table} WHERE id < ?`).run(cut.id).changes : db.prepare(`DELETE FROM ${table}`).run().changes;
    }
    deleted += deletedThisRound;
    if (deletedThisRound === 0) break;
  }
  return { deleted };
}

/** Bytes in use by the database's pages (free pages not counted). */
export function usedBytes(db: Db): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return (pages - free) * pageSize;
}
