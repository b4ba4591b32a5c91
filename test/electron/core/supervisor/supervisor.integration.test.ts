// The supervisor against real processes: the official reference servers and our fixture servers.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusChange } from '../../../../shared/model.ts';
import { parseConfig } from '../../../../electron/core/config/parse.ts';
import { isGroupAlive } from '../../../../electron/core/process/os-process.ts';
import { Store } from '../../../../electron/core/store/store.ts';
import type { ServerHost } from '../../../../electron/core/supervisor/managed-server.ts';
import { Supervisor } from '../../../../electron/core/supervisor/supervisor.ts';
import { binOf, fixture, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { nodeServer, startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { sleep, waitFor } from '../../../helpers/wait.ts';

afterEach(async () => {
  await stopCores();
  removeTempDirs();
});

const everything = () => nodeServer(binOf('@modelcontextprotocol/server-everything', 'dist/index.js'), { args: [binOf('@modelcontextprotocol/server-everything', 'dist/index.js'), 'stdio'] });
const fastRestarts = { restart: { initialDelayMs: 50, maxDelayMs: 400, maxRetries: 3, stableAfterMs: 60_000 } };

describe('Supervisor with the reference servers', () => {
  it('starts everything, memory and filesystem in parallel and lists their tools', async () => {
    const dir = tempDir();
    const { app } = await startCore({
      everything: everything(),
      memory: nodeServer(binOf('@modelcontextprotocol/server-memory', 'dist/index.js'), { env: { MEMORY_FILE_PATH: path.join(dir, 'memory.jsonl') } }),
      filesystem: nodeServer(binOf('@modelcontextprotocol/server-filesystem', 'dist/index.js'), { args: [binOf('@modelcontextprotocol/server-filesystem', 'dist/index.js'), dir] }),
    });
    const [e, m, f] = await Promise.all([waitForState(app, 'everything', 'ready'), waitForState(app, 'memory', 'ready'), waitForState(app, 'filesystem', 'ready')]);
    expect(e.tools).toBe(13); // what server-everything offers a client that declares no capabilities
    expect(e.prompts).toBeGreaterThan(0);
    expect(e.resources).toBeGreaterThan(0);
    expect(m.tools).toBe(9);
    expect(f.tools).toBe(14);
    expect(app.supervisor.get('everything')!.catalog.tools.map((t) => t.name)).toContain('echo');
    const result = await app.supervisor.get('everything')!.client!.callTool({ name: 'echo', arguments: { message: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
    expect(app.health().status).toBe('ok');
  });
});

describe('The demo server of a fresh data dir', () => {
  it('is configured through our variables and answers its tools', async () => {
    const { app } = await startCore({ demo: { command: '${switchboard:node}', args: ['${switchboard:resources}/demo-server/server.mjs'] } });
    const status = await waitForState(app, 'demo', 'ready');
    expect(status).toMatchObject({ tools: 5, resources: 1, prompts: 1 });
    const client = app.supervisor.get('demo')!.client!;
    const hash = await client.callTool({ name: 'hash', arguments: { text: 'abc' } });
    expect(hash.content).toEqual([{ type: 'text', text: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' }]);
    const stats = await client.callTool({ name: 'text_stats', arguments: { text: 'two words\nsecond line' } });
    expect(stats.structuredContent).toEqual({ characters: 21, words: 4, lines: 2 });
  });
});

describe('Supervisor with misbehaving servers', () => {
  it('restarts a server that fails at start with backoff, then parks it in crash-loop with the reason', async () => {
    // Delays of 100-200, 200-400 and 400-800 ms (half of each is jitter): wide enough apart to see them grow.
    const { app } = await startCore({ broken: nodeServer(fixture('crash-at-start.mjs'), { restart: { initialDelayMs: 200, maxDelayMs: 2000, maxRetries: 3, stableAfterMs: 60_000 } }) });
    const changes: StatusChange[] = [];
    app.supervisor.onDidChangeStatus((change) => changes.push(change));
    const status = await waitForState(app, 'broken', 'crash-loop');
    expect(status.lastError).toBe('exited with code 1: Error: missing API key (set FIXTURE_API_KEY)');
    expect(status.restarts).toBe(3);
    const restarting = changes.filter((c) => c.state === 'restarting');
    expect(restarting).toHaveLength(3);
    expect(restarting.every((c) => c.reason === 'crashed')).toBe(true);
    expect(changes.at(-1)).toMatchObject({ state: 'crash-loop', reason: 'too-many-restarts' });
    // Backoff: the gaps between attempts grow.
    const starts = app.store.logs.query({ server: 'broken', text: 'started (pid' }).map((l) => l.time);
    expect(starts).toHaveLength(4);
    const gaps = starts.slice(1).map((time, i) => time - starts[i]!);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]! + 150);
    expect(gaps[2]!).toBeGreaterThanOrEqual(400);
    // No CPU burn: in crash-loop nothing is started any more.
    await sleep(600);
    expect(app.store.logs.query({ server: 'broken', text: 'started (pid' })).toHaveLength(4);
    // The stderr of each attempt is in the log.
    expect(app.store.logs.query({ server: 'broken', stream: 'stderr', text: 'missing API key' })).toHaveLength(4);
  });

  it('clears crash-loop on a manual restart', async () => {
    const { app } = await startCore({ broken: nodeServer(fixture('crash-at-start.mjs'), { restart: { ...fastRestarts.restart, maxRetries: 0 } }) });
    await waitForState(app, 'broken', 'crash-loop');
    const changes: StatusChange[] = [];
    app.supervisor.onDidChangeStatus((change) => changes.push(change));
    await app.supervisor.restart('broken');
    await waitForState(app, 'broken', 'crash-loop');
    expect(changes.map((c) => c.state)).toEqual(['stopped', 'starting', 'crash-loop']);
    expect(changes[1]!.reason).toBe('manual-restart');
  });

  it('brings back a server that crashes after it was ready', async () => {
    const { app } = await startCore({ flaky: nodeServer(fixture('crash-later.mjs'), { ...fastRestarts, env: { CRASH_AFTER_MS: '400' } }) });
    const first = await waitForState(app, 'flaky', 'ready');
    const restarting = await waitForState(app, 'flaky', 'restarting');
    expect(restarting.lastError).toBe('exited with code 3: fatal: lost connection to the imaginary database');
    expect(restarting.tools).toBe(0); // a server that is down offers nothing
    const again = await waitForState(app, 'flaky', 'ready');
    expect(again.pid).not.toBe(first.pid);
    expect(again.restarts).toBeGreaterThanOrEqual(1);
    expect(again.tools).toBe(1);
  });

  it("never shows a server's env values (its secrets) in the logs or the last error", async () => {
    const secret = 'sk-live-0123456789abcdef';
    const script = "console.error('connecting with ' + process.env.API_KEY); console.error('Error: key ' + process.env.API_KEY + ' was refused'); process.exit(1)";
    const { app } = await startCore({ leaky: { command: process.execPath, args: ['-e', script], env: { API_KEY: secret }, restart: false } });
    const status = await waitForState(app, 'leaky', 'failed');
    expect(status.lastError).toBe('exited with code 1: Error: key [redacted] was refused');
    const lines = app.store.logs.query({ server: 'leaky' }).map((l) => l.message).join('\n');
    expect(lines).toContain('connecting with [redacted]');
    expect(lines).not.toContain(secret);
  });

  it('reports a command that does not exist as failed, with the reason, without retrying', async () => {
    const { app } = await startCore({ missing: { command: 'surely-not-a-command-xyz', args: [] } });
    const status = await waitForState(app, 'missing', 'failed');
    expect(status.lastError).toMatch(/^command not found: surely-not-a-command-xyz \(searched PATH: /);
    expect(status.restarts).toBe(0);
  });

  it('reports a cwd that does not exist', async () => {
    const { app } = await startCore({ lost: nodeServer(fixture('banner.mjs'), { cwd: '/no/such/dir' }) });
    expect((await waitForState(app, 'lost', 'failed')).lastError).toBe('cwd /no/such/dir does not exist');
  });

  it('gives up on a process that never answers the handshake, and kills it', async () => {
    const { app } = await startCore({ mute: nodeServer(fixture('hang.mjs'), { env: { HANG_MODE: 'no-handshake' }, startupTimeoutMs: 500, restart: false }) });
    const starting = await waitForState(app, 'mute', 'starting');
    await waitFor(() => app.supervisor.get('mute')!.status().pid, 'a pid');
    const pid = app.supervisor.get('mute')!.status().pid!;
    const status = await waitForState(app, 'mute', 'failed');
    expect(starting.state).toBe('starting');
    expect(status.lastError).toBe('no MCP handshake within 500 ms (is it an MCP server speaking stdio?)');
    await waitFor(() => !isGroupAlive(pid), 'the process group to be gone', 5000);
  });

  it('stops a server that ignores SIGTERM and stdin with SIGKILL, within the grace periods', async () => {
    const { app } = await startCore({ stubborn: nodeServer(fixture('hang.mjs')) }, { stopGrace: { stdinMs: 200, termMs: 300 } });
    const { pid } = await waitForState(app, 'stubborn', 'ready');
    const started = Date.now();
    await app.supervisor.stop('stubborn');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(isGroupAlive(pid!)).toBe(false);
    expect(app.supervisor.get('stubborn')!.status().state).toBe('stopped');
    expect(app.store.logs.query({ server: 'stubborn', text: 'killed with SIGKILL' })).toHaveLength(1);
    expect(app.store.logs.query({ server: 'stubborn', text: 'SIGTERM ignored' })).toHaveLength(1);
  });

  it('restarts a server that stops answering pings', async () => {
    const { app } = await startCore(
      { frozen: nodeServer(fixture('hang.mjs'), { ...fastRestarts, env: { HANG_MODE: 'freeze', FREEZE_AFTER_MS: '300' } }) },
      { healthCheck: { intervalMs: 200, timeoutMs: 200, misses: 2 }, stopGrace: { stdinMs: 100, termMs: 100 } },
    );
    const first = await waitForState(app, 'frozen', 'ready');
    const restarting = await waitForState(app, 'frozen', 'restarting', 10_000);
    expect(restarting.lastError).toMatch(/^unresponsive: 2 pings in a row went unanswered/);
    await waitFor(() => !isGroupAlive(first.pid!), 'the frozen process to be killed', 5000);
  });

  it('keeps the connection when a server prints banners and stray lines on stdout, and logs them', async () => {
    const { app } = await startCore({ chatty: nodeServer(fixture('banner.mjs')) });
    await waitForState(app, 'chatty', 'ready');
    const result = await app.supervisor.get('chatty')!.client!.callTool({ name: 'noisy', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'still fine' }]);
    await waitFor(() => app.store.logs.query({ server: 'chatty', stream: 'stdout' }).length === 3, 'three stdout lines in the log');
    expect(app.store.logs.query({ server: 'chatty', stream: 'stdout' }).map((l) => [l.level, l.message])).toEqual([
      ['warn', '=== Banner Server v1.0 — ready to serve! ==='],
      ['warn', '{"not": "json-rpc"}'],
      ['warn', 'stray console.log from a tool handler'],
    ]);
    expect(app.supervisor.get('chatty')!.status().state).toBe('ready');
  });

  it('bounds what a server flooding stderr can cost, and says how much it dropped', async () => {
    const { app } = await startCore(
      { flood: nodeServer(fixture('flood.mjs'), { env: { FLOOD_LINES: '50000' } }) },
      { captureLimits: { maxLineLength: 8192, linesPerSecond: 1000, burst: 2000, recent: 50 } },
    );
    await waitForState(app, 'flood', 'ready');
    const dropped = await waitFor(() => app.store.logs.query({ server: 'flood', text: 'dropped' }).at(-1), 'a dropped-lines report', 20_000);
    expect(dropped.level).toBe('warn');
    expect(dropped.message).toMatch(/^dropped \d+ stderr lines: more than 1000 lines\/s/);
    const kept = app.store.logs.query({ server: 'flood', stream: 'stderr', limit: 10_000 }).length;
    expect(kept).toBeLessThan(10_000);
    expect(kept).toBeGreaterThanOrEqual(2000);
    // The server itself stays up and answers.
    const result = await app.supervisor.get('flood')!.client!.callTool({ name: 'ping_fixture', arguments: {} });
    expect(result.isError).toBeFalsy();
  });

  it('bounds stray stdout the same way (a server logging to stdout), counts it in its status, and keeps answering', async () => {
    const { app } = await startCore(
      { flood: nodeServer(fixture('flood.mjs'), { env: { FLOOD_LINES: '50000', FLOOD_STREAM: 'stdout' } }) },
      { captureLimits: { maxLineLength: 8192, linesPerSecond: 1000, burst: 2000, recent: 50 } },
    );
    await waitForState(app, 'flood', 'ready');
    const dropped = await waitFor(() => app.store.logs.query({ server: 'flood', text: 'dropped' }).at(-1), 'a dropped-lines report', 20_000);
    expect(dropped.message).toMatch(/^dropped \d+ stdout lines: more than 1000 lines\/s/);
    const kept = app.store.logs.query({ server: 'flood', stream: 'stdout', limit: 10_000 }).length;
    expect(kept).toBeLessThan(10_000);
    expect(kept).toBeGreaterThanOrEqual(2000);
    expect(app.supervisor.get('flood')!.status().droppedLines).toBeGreaterThan(30_000);
    const result = await app.supervisor.get('flood')!.client!.callTool({ name: 'ping_fixture', arguments: {} });
    expect(result.isError).toBeFalsy();
  });

  it("refreshes a server's tools when it sends list_changed", async () => {
    const { app } = await startCore({ dynamic: nodeServer(fixture('dynamic.mjs')) });
    await waitForState(app, 'dynamic', 'ready');
    expect(app.supervisor.get('dynamic')!.status().tools).toBe(2);
    await app.supervisor.get('dynamic')!.client!.callTool({ name: 'add_tool', arguments: {} });
    await waitFor(() => app.supervisor.get('dynamic')!.status().tools === 3, 'the refreshed tool list');
    expect(app.supervisor.get('dynamic')!.catalog.tools.map((t) => t.name)).toContain('extra_1');
  });
});

describe('Supervisor and the config file', () => {
  it('applies an edit as a diff: only the changed server restarts', async () => {
    const { app, configPath } = await startCore({ a: nodeServer(fixture('banner.mjs')), b: nodeServer(fixture('dynamic.mjs')) });
    const a = await waitForState(app, 'a', 'ready');
    const b = await waitForState(app, 'b', 'ready');
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    config.mcpServers.b.env = { CHANGED: '1' };
    config.mcpServers.c = nodeServer(fixture('dynamic.mjs'));
    fs.writeFileSync(configPath, JSON.stringify(config));
    await waitFor(() => app.supervisor.get('c'), 'server c to be added');
    const c = await waitForState(app, 'c', 'ready');
    const b2 = await waitForState(app, 'b', 'ready');
    expect(c.pid).toBeTruthy();
    expect(b2.pid).not.toBe(b.pid);
    expect(app.supervisor.get('a')!.status().pid).toBe(a.pid);
    delete config.mcpServers.a;
    fs.writeFileSync(configPath, JSON.stringify(config));
    await waitFor(() => !app.supervisor.get('a'), 'server a to be removed');
    await waitFor(() => !isGroupAlive(a.pid!), "a's process to be stopped");
  });

  it('keeps running the last good config when an edit is invalid, and logs why', async () => {
    const { app, configPath } = await startCore({ a: nodeServer(fixture('banner.mjs')) });
    const a = await waitForState(app, 'a', 'ready');
    fs.writeFileSync(configPath, '{ "mcpServers": { "a": { "command": 42 } } }');
    const logged = await waitFor(() => app.store.logs.query({ stream: 'app', text: 'config change ignored' }).at(-1), 'the config error in the log');
    expect(logged.message).toContain('mcp.json: mcpServers.a.command: expected a string');
    expect(app.supervisor.get('a')!.status()).toMatchObject({ state: 'ready', pid: a.pid });
  });

  it('disables and enables a server through the config', async () => {
    const { app, configPath } = await startCore({ a: nodeServer(fixture('banner.mjs')) });
    const { pid } = await waitForState(app, 'a', 'ready');
    fs.writeFileSync(configPath, JSON.stringify({ mcpServers: { a: nodeServer(fixture('banner.mjs'), { disabled: true }) } }));
    await waitForState(app, 'a', 'disabled');
    expect(isGroupAlive(pid!)).toBe(false);
    fs.writeFileSync(configPath, JSON.stringify({ mcpServers: { a: nodeServer(fixture('banner.mjs')) } }));
    await waitForState(app, 'a', 'ready');
  });
});

describe('Shutdown', () => {
  it('stops every server under one deadline and refuses new starts', async () => {
    const { app } = await startCore(
      { a: nodeServer(fixture('banner.mjs')), stubborn: nodeServer(fixture('hang.mjs')), c: nodeServer(fixture('dynamic.mjs')) },
      { stopGrace: { stdinMs: 1000, termMs: 2000 } },
    );
    const pids = await Promise.all(['a', 'stubborn', 'c'].map(async (name) => (await waitForState(app, name, 'ready')).pid!));
    const started = Date.now();
    const shutdown = app.shutdown(1500);
    expect(() => app.supervisor.start('a')).toThrow('shutting down');
    await shutdown;
    expect(Date.now() - started).toBeLessThan(1500 + 2500); // the deadline, plus the SIGKILL wait at most
    for (const pid of pids) expect(isGroupAlive(pid)).toBe(false);
  });
});

describe('A failure inside Switchboard while starting a server', () => {
  it('fails the attempt with the reason and leaves no process behind', async () => {
    const store = Store.open(tempDir());
    const host: ServerHost = {
      registry: store.processes,
      log: () => undefined,
      launchEnvironment: async () => ({ parentEnv: process.env, pathValue: process.env.PATH ?? '', variables: { node: { path: process.execPath, env: {} }, resources: '', dataDir: '', home: tempDir() } }),
      clientInfo: { name: 'test', version: '1' },
      configureClient: () => {
        throw new Error('a bug of ours');
      },
    };
    const supervisor = new Supervisor(host);
    try {
      await supervisor.apply(parseConfig(JSON.stringify({ mcpServers: { stubborn: { command: process.execPath, args: [fixture('hang.mjs')], restart: false } } }), 'mcp.json').servers);
      await waitFor(() => supervisor.get('stubborn')!.status().state === 'failed', 'the failed state');
      expect(supervisor.get('stubborn')!.status().lastError).toBe('internal error while starting: a bug of ours');
      expect(store.processes.list()).toEqual([]);
    } finally {
      await supervisor.shutdown(2000);
      supervisor.dispose();
      store.dispose();
    }
  });
});
