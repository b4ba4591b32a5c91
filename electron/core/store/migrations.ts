/**
 * Numbered schema migrations, applied in order. `PRAGMA user_version` holds the number of the last one applied.
 * Never edit a migration that has shipped: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the process registry, logs, settings and the data-dir lock.
  `
  CREATE TABLE processes (
    pid          INTEGER PRIMARY KEY,
    pgid         INTEGER NOT NULL,
    server       TEXT    NOT NULL,
    command      TEXT    NOT NULL,
    start_token  TEXT,
    owner_pid    INTEGER NOT NULL,
    owner_token  TEXT,
    started_at   INTEGER NOT NULL
  );
  CREATE TABLE logs (
    id      INTEGER PRIMARY KEY,
    time    INTEGER NOT NULL,
    server  TEXT,
    stream  TEXT    NOT NULL,
    level   INTEGER NOT NULL,
    message TEXT    NOT NULL
  );
  CREATE INDEX logs_time ON logs(time);
  CREATE INDEX logs_server_id ON logs(server, id);
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE owner (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    pid         INTEGER NOT NULL,
    token       TEXT,
    started_at  INTEGER NOT NULL
  );
  `,
];
