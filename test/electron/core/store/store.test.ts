import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../electron/core/store/migrations.ts';
import { DataDirInUseError, Store } from '../../../../electron/core/store/store.ts';
import { serializeBody } from '../../../../electron/core/store/traces.ts';
import { repoRoot, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { waitFor } from '../../../helpers/wait.ts';

const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.dispose();
  removeTempDirs();
});

function open(dataDir = tempDir(), options?: Parameters<typeof Store.open>[1]): Store {
  const store = Store.open(dataDir, options);
  stores.push(store);
  return store;
}

describe('LogBook', () => {
  it('batches appended lines in small transactions (a long one would stall every request), ids in order', async () => {
    const store = open();
    const batches: number[] = [];
    store.logs.onDidAppend((entries) => batches.push(entries.length));
    for (let i = 0; i < 3000; i++) store.logs.append({ server: 'a', stream: 'stderr', level: 'info', message: `line ${i}` });
    expect(batches).toEqual([]); // nothing written synchronously: the caller is never blocked
    await waitFor(() => batches.reduce((a, b) => a + b, 0) === 3000, 'the batched write');
    expect(batches.every((size) => size <= 250)).toBe(true);
    expect(batches.length).toBe(12);
    const rows = store.logs.query({ limit: 5 });
    expect(rows.map((r) => r.message)).toEqual(['line 2995', 'line 2996', 'line 2997', 'line 2998', 'line 2999']);
    expect(rows[1]!.id).toBe(rows[0]!.id + 1);
  });

  it('finds lines by server, minimum level, stream, text and time range', () => {
    const store = open();
    const add = (time: number, server: string | null, level: 'debug' | 'info' | 'warn' | 'error', message: string, stream: 'stderr' | 'lifecycle' = 'stderr') =>
      store.logs.append({ time, server, stream, level, message });
    add(1000, 'github', 'info', 'listening on stdio');
    add(2000, 'github', 'error', 'Error: Bad credentials (401)');
    add(3000, 'slack', 'warn', 'rate limited: 50% of quota');
    add(4000, null, 'info', 'config applied', 'lifecycle');
    add(5000, 'slack', 'debug', 'tick');
    const messages = (query: Parameters<typeof store.logs.query>[0]) => store.logs.query(query).map((r) => r.message);
    expect(messages({ server: 'github' })).toEqual(['listening on stdio', 'Error: Bad credentials (401)']);
    expect(messages({ level: 'warn' })).toEqual(['Error: Bad credentials (401)', 'rate limited: 50% of quota']);
    expect(messages({ text: 'CREDENTIALS' })).toEqual(['Error: Bad credentials (401)']);
    expect(messages({ text: '50%' })).toEqual(['rate limited: 50% of quota']); // % is literal, not a wildcard
    expect(messages({ since: 2000, until: 4000 })).toEqual(['Error: Bad credentials (401)', 'rate limited: 50% of quota', 'config applied']);
    expect(messages({ stream: 'lifecycle' })).toEqual(['config applied']);
    const [last] = store.logs.query({ limit: 1 });
    expect(messages({ beforeId: last!.id, limit: 2 })).toEqual(['rate limited: 50% of quota', 'config applied']);
  });

  it('deletes lines past the age limit', () => {
    const store = open(tempDir(), { retention: { maxAgeMs: 60_000, maxBytes: 1e9 } });
    store.logs.append({ time: Date.now() - 120_000, server: 'a', stream: 'stderr', level: 'info', message: 'old' });
    store.logs.append({ time: Date.now(), server: 'a', stream: 'stderr', level: 'info', message: 'new' });
    expect(store.applyRetention().deleted).toBe(1);
    expect(store.logs.query().map((r) => r.message)).toEqual(['new']);
  });

  it('keeps the log under its size limit by dropping the oldest lines first', () => {
    const store = open(tempDir(), { retention: { maxAgeMs: 1e12, maxBytes: 1024 * 1024 } });
    for (let i = 0; i < 20_000; i++) store.logs.append({ server: 'a', stream: 'stderr', level: 'info', message: `${i} ${'x'.repeat(200)}` });
    store.logs.flush();
    const { deleted } = store.applyRetention();
    expect(deleted).toBeGreaterThan(10_000);
    const [newest] = store.logs.query({ limit: 1 });
    expect(newest!.message.startsWith('19999 ')).toBe(true);
    const oldest = store.db.prepare('SELECT message FROM logs ORDER BY id LIMIT 1').get() as { message: string };
    expect(Number(oldest.message.split(' ')[0])).toBeGreaterThan(10_000);
  });

  it('holds its size cap between retention runs: a flood is trimmed within seconds, and the log and stats say so', async () => {
    const store = open(tempDir(), { retention: { maxAgeMs: 7 * 24 * 3600_000, maxBytes: 1024 * 1024 } });
    for (let i = 0; i < 600; i++) store.logs.append({ server: 'a', stream: 'stderr', level: 'info', message: `${i} ${'x'.repeat(8000)}` });
    store.logs.flush();
    expect(store.stats().bytes).toBeGreaterThan(4 * 1024 * 1024);
    await waitFor(() => store.stats().bytes <= 1024 * 1024, 'the store to be trimmed under its cap', 8000);
    expect(store.stats().deletedForSize).toBeGreaterThan(400);
    expect(store.logs.query({ stream: 'app', text: 'reached its 1 MB cap' })).toHaveLength(1);
    // The newest lines are the ones kept.
    expect(store.logs.query({ server: 'a', limit: 1 })[0]!.message.startsWith('599 ')).toBe(true);
  });

  it('drops and counts lines when the writer falls too far behind', () => {
    const store = open(tempDir(), { logs: { maxPending: 10, maxBatch: 100, flushDelayMs: 10_000 } });
    for (let i = 0; i < 15; i++) store.logs.append({ server: 'a', stream: 'stderr', level: 'info', message: `${i}` });
    expect(store.logs.dropped).toBe(5);
    expect(store.logs.query()).toHaveLength(10);
  });

  it('writes what is queued when the store closes', () => {
    const dataDir = tempDir();
    const store = Store.open(dataDir);
    store.logs.append({ server: 'a', stream: 'lifecycle', level: 'info', message: 'last words' });
    store.dispose();
    expect(open(dataDir).logs.query().map((r) => r.message)).toEqual(['last words']);
  });
});

describe('Store', () => {
  it('reopens an existing data dir without re-running migrations, in WAL mode', () => {
    const dataDir = tempDir();
    const first = Store.open(dataDir);
    first.setSetting('theme', 'dark');
    first.dispose();
    const second = open(dataDir);
    expect(second.getSetting('theme')).toBe('dark');
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('refuses a data dir that another live Switchboard holds, and takes over one whose owner died', async () => {
    const dataDir = tempDir();
    const storeModule = path.join(repoRoot, 'electron', 'core', 'store', 'store.ts');
    // Another process opens the store and stays alive until we close its stdin.
    const holder = spawn(process.execPath, ['--experimental-transform-types', '--no-warnings', '--input-type=module', '-e', `const { Store } = await import(${JSON.stringify(storeModule)}); Store.open(${JSON.stringify(dataDir)}); console.log('held'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    holder.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('held'), 'the other process to hold the data dir');
    expect(() => Store.open(dataDir)).toThrow(DataDirInUseError);
    expect(() => Store.open(dataDir)).toThrow(`another Switchboard (pid ${holder.pid}) is using the data dir`);
    holder.kill('SIGKILL'); // dies without letting go
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(() => open(dataDir)).not.toThrow();
  });
});

describe('serializeBody', () => {
  it('redacts values under secret-looking keys, at any depth, but not protocol fields', () => {
    const body = serializeBody({ params: { arguments: { api_key: 'k1', nested: { authToken: 't1', password: 'p' } }, _meta: { progressToken: 7 }, maxTokens: 100 } });
    expect(JSON.parse(body)).toEqual({ params: { arguments: { api_key: '[redacted]', nested: { authToken: '[redacted]', password: '[redacted]' } }, _meta: { progressToken: 7 }, maxTokens: 100 } });
  });
  it('cuts long bodies and says by how much', () => {
    const body = serializeBody({ data: 'x'.repeat(100_000), more: 'z'.repeat(100_000) });
    expect(body.length).toBeLessThan(70_000);
    expect(body).toMatch(/… \[\d+ more characters\]$/);
  });
  it('serializes only what is kept: a 1 MB string is cut before JSON, so the body stays JSON and the message is untouched', () => {
    const message = { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'y'.repeat(1_000_000) }, { type: 'text', text: 'short' }] } };
    const body = serializeBody(message);
    const kept = JSON.parse(body) as typeof message;
    expect(kept.result.content[0]!.text).toMatch(/^y{64512}… \[cut: 935488 more characters\]$/);
    expect(kept.result.content[1]!.text).toBe('short');
    expect(message.result.content[0]!.text).toHaveLength(1_000_000);
  });
  it('keeps a placeholder for a message JSON cannot write (nested 10,000 levels), instead of throwing', () => {
    const deep = JSON.parse(`{"jsonrpc":"2.0","id":5,"result":{"_meta":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`);
    expect(JSON.parse(serializeBody(deep))).toMatchObject({ switchboard: expect.stringContaining('could not be recorded'), id: '5' });
  });
});

describe('TraceBook', () => {
  it('writes the rest of a batch when one message cannot be serialized, keeps its place, and warns', async () => {
    const store = open();
    const deep = JSON.parse(`{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`);
    for (const message of [{ jsonrpc: '2.0', id: 0, method: 'before' }, deep, { jsonrpc: '2.0', id: 2, method: 'after' }]) {
      store.traces.recordMessage({ time: Date.now(), hop: 'client', direction: 'in', session: 's', server: null, traceId: null, message });
    }
    const rows = store.traces.queryMessages({ session: 's' });
    expect(rows.map((row) => row.method)).toEqual(['before', 'x', 'after']);
    expect(rows[1]!.body).toContain('could not be recorded');
    // And the app's log says so, once.
    await waitFor(() => store.logs.query({ stream: 'app', text: 'kept as a placeholder' }).length === 1, 'the warning');
  });
});
