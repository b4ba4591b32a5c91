import crypto from 'node:crypto';
import { ProfileSchema, type ClientRecord, type ClientWithToken, type Profile } from '../../../shared/access.ts';
import type { Db } from './database.ts';

/** How often the table is checked for another process's change. */
const CHECK_EVERY_MS = 100;

/** A client's token: `sbc_` and 32 random bytes. */
const TOKEN_PREFIX = 'sbc_';

interface Row {
  name: string;
  token_hash: string;
  token_hint: string;
  profile: string;
  created_at: number;
  rotated_at: number | null;
  last_used: number | null;
  revoked_at: number | null;
  /** The profile, parsed once per read of the table (the same object until it changes). */
  parsed?: Profile;
}

/** No client of that name. */
export class UnknownClientError extends Error {
  constructor(readonly client: string) {
    super(`no client named "${client}": \`switchboard clients list\` shows them`);
    this.name = 'UnknownClientError';
  }
}

/** What a token is: a client's (maybe revoked), or nobody's. */
export type TokenOwner = { kind: 'client'; client: ClientRecord } | { kind: 'revoked'; client: ClientRecord } | { kind: 'unknown' };

/**
 * The clients of the endpoint, each with its own token. Only a token's sha256 is kept: a leaked database does not
 * leak a token, and a token is shown once, when it is made. The table is read once and then only when another
 * process (the `switchboard clients` command) changed the database (`PRAGMA data_version`), so a lookup is a hash
 * and a map access, and a revocation from the CLI counts from the next request.
 */
export class ClientRegistry {
  private readonly byHash = new Map<string, Row>();
  private readonly byName = new Map<string, Row>();
  private dataVersion = -1;
  /** Last-used times not written yet (written at most every few seconds, not on every request). */
  private readonly touched = new Map<string, number>();
  private touchTimer: NodeJS.Timeout | undefined;
  /** Prepared once: `db.pragma()` prepares on every call (8.7 µs against 0.5 µs). */
  private readonly version: () => number;
  /** When the table was last checked for another process's change. */
  private checkedAt = -Infinity;

  constructor(private readonly db: Db) {
    const statement = db.prepare('PRAGMA data_version').pluck();
    this.version = () => statement.get() as number;
  }

  list(): ClientRecord[] {
    this.refresh();
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name)).map(toRecord);
  }

  get(name: string): ClientRecord | undefined {
    this.refresh();
    const row = this.byName.get(name);
    return row ? toRecord(row) : undefined;
  }

  /** A new client with a new token (an existing name is refused: rotate it instead). */
  add(name: string, profile: Profile = {}, now = Date.now()): ClientWithToken {
    this.refresh();
    if (this.byName.has(name)) throw new Error(`a client named "${name}" exists already: rotate its token with \`switchboard clients rotate ${name}\``);
    const token = newToken();
    this.db
      .prepare('INSERT INTO clients (name, token_hash, token_hint, profile, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(name, hashToken(token), hintOf(token), JSON.stringify(ProfileSchema.parse(profile)), now);
    this.reload();
    return { client: this.get(name)!, token };
  }

  /** A new token for the client; the old one stops working at once. A revoked client is made usable again. */
  rotate(name: string, now = Date.now()): ClientWithToken {
    const token = newToken();
    const changed = this.db.prepare('UPDATE clients SET token_hash = ?, token_hint = ?, rotated_at = ?, revoked_at = NULL WHERE name = ?').run(hashToken(token), hintOf(token), now, name).changes;
    if (changed === 0) throw new UnknownClientError(name);
    this.reload();
    return { client: this.get(name)!, token };
  }

  /** The client's token stops working from its next request (the client stays listed, marked revoked). */
  revoke(name: string, now = Date.now()): ClientRecord {
    const changed = this.db.prepare('UPDATE clients SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(now, name).changes;
    if (changed === 0 && !this.get(name)) throw new UnknownClientError(name);
    this.reload();
    return this.get(name)!;
  }

  /** Gone for good (its audit rows stay). */
  remove(name: string): void {
    if (this.db.prepare('DELETE FROM clients WHERE name = ?').run(name).changes === 0) throw new UnknownClientError(name);
    this.reload();
  }

  setProfile(name: string, profile: Profile): ClientRecord {
    const changed = this.db.prepare('UPDATE clients SET profile = ? WHERE name = ?').run(JSON.stringify(ProfileSchema.parse(profile)), name).changes;
    if (changed === 0) throw new UnknownClientError(name);
    this.reload();
    return this.get(name)!;
  }

  /** Whose token this is. The stored hash is compared in constant time. */
  owner(token: string, now = Date.now()): TokenOwner {
    if (!token.startsWith(TOKEN_PREFIX)) return { kind: 'unknown' };
    this.refresh();
    const hash = hashToken(token);
    // A token not known yet may be one the CLI made a moment ago: look again at once before refusing it.
    const row = this.byHash.get(hash) ?? (this.refresh(true), this.byHash.get(hash));
    if (!row || !crypto.timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex'))) return { kind: 'unknown' };
    if (row.revoked_at !== null) return { kind: 'revoked', client: toRecord(row) };
    this.touch(row, now);
    return { kind: 'client', client: toRecord(row) };
  }

  /** The client by name, for the admin acting as it (the bridge, the playground): revoked or not. */
  ownerByName(name: string, now = Date.now()): TokenOwner {
    this.refresh();
    const row = this.byName.get(name) ?? (this.refresh(true), this.byName.get(name));
    if (!row) return { kind: 'unknown' };
    if (row.revoked_at !== null) return { kind: 'revoked', client: toRecord(row) };
    this.touch(row, now);
    return { kind: 'client', client: toRecord(row) };
  }

  /** Writes the last-used times now. */
  flush(): void {
    clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
    if (this.touched.size === 0) return;
    const update = this.db.prepare('UPDATE clients SET last_used = ? WHERE name = ?');
    this.db.transaction(() => {
      for (const [name, time] of this.touched) update.run(time, name);
    })();
    this.touched.clear();
    // data_version does not move for this connection's own commits; reading it here would swallow another
    // process's change made since the last reload (a client the CLI just added would stay unknown).
  }

  private touch(row: Row, now: number): void {
    if (row.last_used !== null && now - row.last_used < 5000) return;
    row.last_used = now;
    this.touched.set(row.name, now);
    this.touchTimer ??= setTimeout(() => this.flush(), 5000);
    this.touchTimer.unref();
  }

  /**
   * Reads the table again when another connection wrote to the database since the last read. Checked at most every
   * 100 ms: reading `data_version` of a WAL database under load cost 11 µs a request (5% of the CPU at 32 calls in
   * flight); this process's own changes apply at once, another's (the CLI) within 100 ms, or at once when a lookup
   * misses (`immediately`).
   */
  private refresh(immediately = false): void {
    const now = performance.now();
    if (!immediately && now - this.checkedAt < CHECK_EVERY_MS) return;
    this.checkedAt = now;
    const version = this.version();
    if (version !== this.dataVersion) this.reload(version);
  }

  private reload(version = this.version()): void {
    this.dataVersion = version;
    this.byHash.clear();
    this.byName.clear();
    for (const row of this.db.prepare('SELECT * FROM clients').all() as Row[]) {
      const pending = this.touched.get(row.name);
      if (pending !== undefined && (row.last_used ?? 0) < pending) row.last_used = pending;
      this.byHash.set(row.token_hash, row);
      this.byName.set(row.name, row);
    }
  }
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
}

function hintOf(token: string): string {
  return `${token.slice(0, TOKEN_PREFIX.length + 4)}…`;
}

function toRecord(row: Row): ClientRecord {
  if (!row.parsed) {
    const parsed = ProfileSchema.safeParse(JSON.parse(row.profile));
    // A profile this build cannot read sees nothing rather than everything.
    row.parsed = parsed.success ? parsed.data : { servers: [] };
  }
  return {
    name: row.name,
    profile: row.parsed,
    tokenHint: row.token_hint,
    createdAt: row.created_at,
    rotatedAt: row.rotated_at,
    lastUsedAt: row.last_used,
    revokedAt: row.revoked_at,
  };
}
