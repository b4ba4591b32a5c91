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
  // 2: traces (spans of every request through the gateway) and the JSON-RPC messages of both hops.
  `
  CREATE TABLE spans (
    id             INTEGER PRIMARY KEY,
    trace_id       TEXT    NOT NULL,
    span_id        TEXT    NOT NULL,
    parent_span_id TEXT,
    name           TEXT    NOT NULL,
    start          REAL    NOT NULL,
    duration_ms    REAL    NOT NULL,
    method         TEXT,
    session        TEXT,
    client         TEXT,
    server         TEXT,
    tool           TEXT,
    status         TEXT    NOT NULL,
    error          TEXT,
    rpc_id         TEXT
  );
  CREATE INDEX spans_trace ON spans(trace_id);
  CREATE INDEX spans_roots ON spans(start) WHERE parent_span_id IS NULL;
  CREATE TABLE messages (
    id        INTEGER PRIMARY KEY,
    time      INTEGER NOT NULL,
    hop       TEXT    NOT NULL,
    direction TEXT    NOT NULL,
    session   TEXT,
    server    TEXT,
    method    TEXT,
    rpc_id    TEXT,
    trace_id  TEXT,
    body      TEXT    NOT NULL
  );
  CREATE INDEX messages_trace ON messages(trace_id);
  CREATE INDEX messages_time ON messages(time);
  `,
  // 3: the tool-call history of the playground (re-run, copy as JSON-RPC); results bounded, oldest pruned.
  `
  CREATE TABLE tool_calls (
    id          INTEGER PRIMARY KEY,
    time        INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    tool        TEXT    NOT NULL,
    server      TEXT,
    arguments   TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    duration_ms REAL    NOT NULL,
    error       TEXT,
    result      TEXT,
    truncated   INTEGER NOT NULL DEFAULT 0,
    trace_id    TEXT
  );
  CREATE INDEX tool_calls_tool ON tool_calls(tool, id);
  `,
  // 4: a trace is one row: the root span, with its steps (route, upstream, respond) as JSON. The time index
  // of messages goes too: only the ten-minute retention sweep used it, and every insert paid for it.
  `
  ALTER TABLE spans ADD COLUMN steps TEXT;
  DROP INDEX messages_time;
  `,
  // 5: a trace's root is marked as such: a request that continues the client's own trace (W3C traceparent)
  // has a parent span, outside Switchboard, and was missing from the list of traced requests.
  `
  ALTER TABLE spans ADD COLUMN is_root INTEGER NOT NULL DEFAULT 0;
  UPDATE spans SET is_root = 1 WHERE parent_span_id IS NULL;
  DROP INDEX spans_roots;
  CREATE INDEX spans_roots ON spans(start) WHERE is_root = 1;
  `,
  // 6: the clients of the endpoint (tokens kept as their sha256 only) and the audit trail, append-only, with
  // its own retention (it is not a log: the size cap that prunes logs does not touch it).
  `
  CREATE TABLE clients (
    name        TEXT    PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    token_hint  TEXT    NOT NULL,
    profile     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    rotated_at  INTEGER,
    last_used   INTEGER,
    revoked_at  INTEGER
  );
  CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    time        INTEGER NOT NULL,
    client      TEXT    NOT NULL,
    method      TEXT    NOT NULL,
    server      TEXT,
    target      TEXT,
    arguments   TEXT,
    args_hash   TEXT,
    decision    TEXT    NOT NULL,
    decided_by  TEXT    NOT NULL,
    outcome     TEXT,
    duration_ms REAL    NOT NULL,
    trace_id    TEXT,
    detail      TEXT
  );
  CREATE INDEX audit_time ON audit(time);
  CREATE INDEX audit_client ON audit(client, id);
  CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  `,
  // 7: a span's events (progress, cancellation), as JSON; a step's are inside its root's steps.
  `
  ALTER TABLE spans ADD COLUMN events TEXT;
  `,
  // 8: a log line's trace (a server's stderr during the one call in flight on it), so a trace shows its lines.
  `
  ALTER TABLE logs ADD COLUMN trace_id TEXT;
  CREATE INDEX logs_trace ON logs(trace_id) WHERE trace_id IS NOT NULL;
  `,
];
