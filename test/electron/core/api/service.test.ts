// The contract's implementation over a real core: real servers (server-everything, fixtures), the real gateway,
// a real store. A session here is what one window gets through either bridge.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKED_VALUE, type CallArgs, type EventMessage, type Events, type Method, type ResultOf } from '../../../../shared/contract.ts';
import { ApiService, type ApiSession } from '../../../../electron/core/api/index.ts';
import { UPSTREAM_CAPABILITIES, type Switchboard } from '../../../../electron/core/switchboard.ts';
import { binOf, fixture, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { nodeServer, startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { waitFor } from '../../../helpers/wait.ts';

const everythingBin = binOf('@modelcontextprotocol/server-everything', 'dist/index.js');
let app: Switchboard;
let configPath: string;
let home: string;
let service: ApiService;
let session: ApiSession;
const events: EventMessage[] = [];
let token = 'token-one';

beforeAll(async () => {
  home = tempDir();
  const core = await startCore(
    {
      everything: nodeServer(everythingBin, { args: [everythingBin, 'stdio'] }),
      fidelity: nodeServer(fixture('fidelity.mjs'), { env: { API_TOKEN: 'hunter2', PLAIN: 'visible' } }),
    },
    { clientCapabilities: UPSTREAM_CAPABILITIES },
  );
  app = core.app;
  configPath = core.configPath;
  await Promise.all(['everything', 'fidelity'].map((name) => waitForState(app, name, 'ready')));
  service = new ApiService(app, {
    endpoint: () => 'http://127.0.0.1:7780/mcp',
    token: () => token,
    regenerateToken: () => (token = 'token-two'),
    tokenFromEnv: false,
    launcher: { command: '/usr/bin/node', args: ['/opt/switchboard/bin/switchboard.js'] },
    platform: { home, env: {}, platform: 'linux' },
  });
  session = service.openSession((message) => events.push(message));
});

afterAll(async () => {
  service.dispose();
  await stopCores();
  removeTempDirs();
});

async function call<M extends Method>(method: M, ...args: CallArgs<M>): Promise<ResultOf<M>> {
  const result = await session.dispatch(method, args[0]);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as ResultOf<M>;
}

function eventsNamed<E extends keyof Events>(name: E): Events[E][] {
  return events.filter((event) => event.name === name).map((event) => event.payload as Events[E]);
}

const text = (result: ResultOf<'tools.call'>['result']) => result?.content.map((block) => (block.type === 'text' ? block.text : '')).join('') ?? '';

describe('the API over the core', () => {
  it('lists the servers and the catalog with each tool’s server and original name', async () => {
    const statuses = await call('servers.list');
    expect(statuses.map((s) => [s.name, s.state])).toEqual([
      ['everything', 'ready'],
      ['fidelity', 'ready'],
    ]);
    const catalog = await call('catalog.get');
    const echo = catalog.tools.find((tool) => tool.name === 'everything__echo');
    expect(echo).toMatchObject({ server: 'everything', originalName: 'echo', inputSchema: { type: 'object' } });
    expect(catalog.resources.every((resource) => resource.server !== '')).toBe(true);
    expect(catalog.prompts.some((prompt) => prompt.server === 'everything')).toBe(true);
  });

  it('answers a bad call with an envelope naming the problem, never a rejection', async () => {
    expect(await session.dispatch('servers.nope', undefined)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await session.dispatch('tools.call', { name: 'everything__echo' })).toMatchObject({ ok: false, error: { code: 'invalid-args', message: expect.stringContaining('tools.call') } });
    expect(await session.dispatch('servers.start', { name: 'nope' })).toEqual({ ok: false, error: { code: 'not-found', message: 'no server named "nope" in the config' } });
  });

  it('calls a tool through the gateway: the result, its history entry and its trace with the request and response', async () => {
    const outcome = await call('tools.call', { callId: 'c1', name: 'everything__echo', arguments: { message: 'hello playground' } });
    expect(outcome).toMatchObject({ status: 'ok', server: 'everything', error: null, structuredCheck: null });
    expect(text(outcome.result)).toBe('Echo: hello playground');
    expect(outcome.traceId).toMatch(/^[0-9a-f]{32}$/);

    const sum = await call('tools.call', { callId: 'c2', name: 'everything__get-sum', arguments: { a: 2, b: 40 } });
    expect(text(sum.result)).toContain('42');

    const history = await call('history.list', {});
    expect(history.slice(0, 2).map((entry) => entry.tool)).toEqual(['everything__get-sum', 'everything__echo']);
    expect((await call('history.get', { id: outcome.historyId })).result).toEqual(outcome.result);
    expect(eventsNamed('history.appended').map((event) => event.entry.id)).toEqual(expect.arrayContaining([outcome.historyId, sum.historyId]));

    const trace = await call('traces.get', { traceId: outcome.traceId! });
    expect(trace.spans.map((span) => span.name)).toEqual(expect.arrayContaining(['tools/call', 'upstream tools/call']));
    expect(trace.spans.find((span) => span.parentSpanId === null)).toMatchObject({ client: 'switchboard-playground', server: 'everything', tool: 'echo', status: 'ok' });
    const hops = trace.messages.map((m) => `${m.hop}:${m.direction}`);
    expect(hops).toEqual(expect.arrayContaining(['client:in', 'client:out', 'server:out', 'server:in']));
    // The playground's marker never leaves the process.
    expect(trace.messages.every((m) => !m.body.includes('playground-call'))).toBe(true);

    const listed = await call('traces.query', { tool: 'echo' });
    expect(listed.map((span) => span.traceId)).toContain(outcome.traceId);
    // By the name the client sees, as everywhere else in the window.
    const exposed = await call('traces.query', { tool: 'everything__echo' });
    expect(exposed.map((span) => span.traceId)).toContain(outcome.traceId);
  });

  it('reports progress while a call runs, and cancels it', async () => {
    const running = call('tools.call', { callId: 'long', name: 'everything__trigger-long-running-operation', arguments: { duration: 30, steps: 60 } });
    await waitFor(() => eventsNamed('tools.progress').some((p) => p.callId === 'long' && p.progress >= 1), 'a progress event');
    expect(eventsNamed('tools.progress').find((p) => p.callId === 'long')).toMatchObject({ total: 60 });
    await call('tools.cancel', { callId: 'long' });
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'cancelled', error: 'You cancelled the call; the server was told to stop.' });
  });

  it('checks structuredContent against the output schema', async () => {
    const ok = await call('tools.call', { callId: 's1', name: 'everything__get-structured-content', arguments: { location: 'New York' } });
    expect(ok.structuredCheck).toEqual({ valid: true });
    const mismatch = await call('tools.call', { callId: 's2', name: 'fidelity__mismatch', arguments: {} });
    expect(mismatch.structuredCheck).toMatchObject({ valid: false, message: expect.stringContaining('n') });
  });

  it('turns a server’s elicitation into a dialog of the calling window and sends the answer back', async () => {
    const running = call('tools.call', { callId: 'e1', name: 'everything__trigger-elicitation-request', arguments: {} });
    const request = await waitFor(() => eventsNamed('dialogs.request').at(-1), 'an elicitation dialog');
    expect(request).toMatchObject({ kind: 'elicitation', server: 'everything', params: { message: expect.any(String), requestedSchema: { type: 'object' } } });
    const schema = (request.params as { requestedSchema: { properties: Record<string, { type?: string; default?: unknown }>; required?: string[] } }).requestedSchema;
    const content: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties)) {
      if (property.default !== undefined) content[key] = property.default;
      else if (property.type === 'string' && schema.required?.includes(key)) content[key] = 'Ada';
    }
    await call('dialogs.respond', { requestId: request.requestId, response: { action: 'accept', content } });
    const outcome = await running;
    expect(outcome.status).toBe('ok');
    expect(text(outcome.result)).toMatch(/accept/i);
  });

  it('pages the merged logs and messages newest page first, down to the oldest, and tails new lines', async () => {
    const first = await call('logs.query', { filter: {}, limit: 50 });
    expect(first.items).toHaveLength(50);
    expect(first.items.some((item) => item.kind === 'rpc')).toBe(true);
    const times = first.items.map((item) => item.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    let cursor = first.next;
    const seen = new Set(first.items.map((item) => `${item.kind}${item.id}`));
    let pages = 1;
    while (cursor && pages < 500) {
      const page = await call('logs.query', { filter: {}, before: cursor, limit: 50 });
      for (const item of page.items) {
        expect(seen.has(`${item.kind}${item.id}`)).toBe(false);
        seen.add(`${item.kind}${item.id}`);
      }
      expect(page.items.at(-1)!.time).toBeLessThanOrEqual(first.items[0]!.time);
      cursor = page.next;
      pages++;
    }
    expect(cursor).toBeNull();
    const onlyLogs = await call('logs.query', { filter: { source: 'logs', server: 'everything', stream: 'lifecycle' } });
    expect(onlyLogs.items.length).toBeGreaterThan(0);
    expect(onlyLogs.items.every((item) => item.kind === 'log' && item.server === 'everything' && item.stream === 'lifecycle')).toBe(true);

    const rpc = first.items.find((item) => item.kind === 'rpc')!;
    expect((await call('logs.message', { id: rpc.id })).body).toContain('jsonrpc');

    app.log('info', 'a line for the live tail');
    await waitFor(() => eventsNamed('logs.appended').some((batch) => batch.items.some((item) => item.kind === 'log' && item.message === 'a line for the live tail')), 'the tailed line');
    await call('tools.call', { callId: 't1', name: 'everything__echo', arguments: { message: 'tailed rpc' } });
    await waitFor(() => eventsNamed('logs.appended').some((batch) => batch.items.some((item) => item.kind === 'rpc' && item.preview.includes('tailed rpc'))), 'the tailed message');
    await waitFor(() => eventsNamed('traces.appended').length > 0, 'a traces event');
  });

  it('shows secrets masked and keeps them when the form sends the mask back', async () => {
    const view = await call('config.get');
    const fidelity = view.servers.find((s) => s.name === 'fidelity')!;
    expect(fidelity.entry.env).toEqual({ API_TOKEN: MASKED_VALUE, PLAIN: 'visible' });
    expect(fidelity.masked).toEqual(['env.API_TOKEN']);
    expect(JSON.stringify(view)).not.toContain('hunter2');

    await call('config.setServer', { name: 'fidelity', replacing: 'fidelity', entry: { ...fidelity.entry, env: { API_TOKEN: MASKED_VALUE, PLAIN: 'changed' } } });
    const saved = JSON.parse(fs.readFileSync(configPath, 'utf8')) as { mcpServers: Record<string, { env: Record<string, string> }> };
    expect(saved.mcpServers.fidelity!.env).toEqual({ API_TOKEN: 'hunter2', PLAIN: 'changed' });
    await waitForState(app, 'fidelity', 'ready');
  });

  it('validates an entry with the config parser’s own messages, and refuses to save an invalid one', async () => {
    expect(await call('config.validateServer', { name: 'new', entry: { command: 'node', args: 'not-a-list' } })).toEqual({ problems: [`${path.basename(configPath)}: mcpServers.new.args: expected an array of strings`] });
    expect(await call('config.validateServer', { name: 'new', entry: { args: [] } })).toEqual({ problems: [expect.stringContaining('mcpServers.new.command: needs a command')] });
    expect(await call('config.validateServer', { name: 'everything', entry: { command: 'node' } })).toEqual({ problems: ['name: there is already a server named "everything"'] });
    expect(await call('config.validateServer', { name: 'new', entry: { command: 'node' } })).toEqual({ problems: [] });
    expect(await session.dispatch('config.setServer', { name: 'new', entry: { command: 3 } })).toMatchObject({ ok: false, error: { code: 'invalid-config' } });
    expect(fs.readFileSync(configPath, 'utf8')).not.toContain('"new"');
  });

  it('adds a server from the form and it becomes ready; disables, renames and removes it', async () => {
    await call('config.setServer', { name: 'added', entry: nodeServer(fixture('fidelity.mjs')) });
    await waitForState(app, 'added', 'ready');
    await waitFor(() => eventsNamed('servers.changed').some((e) => e.statuses.some((s) => s.name === 'added' && s.state === 'ready')), 'a servers.changed event');
    await call('config.setEnabled', { name: 'added', enabled: false });
    await waitForState(app, 'added', 'disabled');
    await call('config.setServer', { name: 'renamed', replacing: 'added', entry: { ...nodeServer(fixture('fidelity.mjs')), disabled: true } });
    await waitFor(() => app.supervisor.get('renamed') && !app.supervisor.get('added'), 'the rename');
    await call('config.removeServer', { name: 'renamed' });
    await waitFor(() => !app.supervisor.get('renamed'), 'the removal');
  });

  it('previews and imports a client’s config, leaving existing servers alone', async () => {
    const text = JSON.stringify({ mcpServers: { everything: { command: 'npx', args: ['x'], env: { GITHUB_TOKEN: 'ghp_not-for-the-screen' } }, imported: { command: process.execPath, args: [fixture('fidelity.mjs')] } } });
    const preview = await call('config.previewImport', { text, fileName: 'claude_desktop_config.json' });
    expect(preview).toMatchObject({ dialect: 'claude-desktop', conflicts: ['everything'] });
    expect(preview.shown.everything).toEqual({ command: 'npx', args: ['x'], env: { GITHUB_TOKEN: MASKED_VALUE } });
    expect(await call('config.import', { servers: preview.servers, replace: false })).toEqual({ added: ['imported'], replaced: [], movedSecrets: [] });
    await waitForState(app, 'imported', 'ready');
    expect(app.supervisor.get('everything')!.config.command).toBe(process.execPath);
    await call('config.removeServer', { name: 'imported' });
  });

  it('offers Claude Desktop’s servers on the first run, once', async () => {
    const file = path.join(home, '.config', 'Claude', 'claude_desktop_config.json');
    expect(await call('config.firstRun')).toEqual({ claudeDesktop: null });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { fromclaude: { command: process.execPath, args: [fixture('fidelity.mjs')] } } }));
    expect(await call('config.firstRun')).toEqual({ claudeDesktop: { file, servers: ['fromclaude'] } });
    expect(await call('config.answerFirstRun', { accept: true })).toEqual({ added: ['fromclaude'] });
    expect(await call('config.firstRun')).toEqual({ claudeDesktop: null });
    await waitForState(app, 'fromclaude', 'ready');
    await call('config.removeServer', { name: 'fromclaude' });
  });

  it('exports a Claude Desktop config that runs the bridge as its own client, installs it with a backup, and regenerates the token', async () => {
    const exported = await call('clients.export', { client: 'claude-desktop', mode: 'gateway' });
    const config = JSON.parse(exported.text) as { mcpServers: { switchboard: { command: string; args: string[]; env?: Record<string, string> } } };
    expect(config.mcpServers.switchboard).toEqual({ command: '/usr/bin/node', args: ['/opt/switchboard/bin/switchboard.js', 'connect', '--data-dir', app.options.dataDir, '--client', 'claude-desktop'] });
    // A preview makes nothing; an install makes the client its entry acts as.
    expect(await call('access.list')).toEqual([]);
    const installed = await call('clients.install', { client: 'claude-desktop', mode: 'gateway' });
    expect((await call('access.list')).map((client) => client.name)).toEqual(['claude-desktop']);
    expect(installed).toMatchObject({ added: ['switchboard'], others: ['fromclaude'], backup: expect.stringContaining('switchboard-backup') });
    const info = await call('clients.info');
    expect(info.clients.find((client) => client.id === 'claude-desktop')).toMatchObject({ exists: true, label: 'Claude Desktop' });
    expect(await call('clients.regenerateToken')).toEqual({ token: 'token-two' });
    expect((await call('clients.info')).token).toBe('token-two');
  });

  it('opens a terminal in a server’s environment, runs a command in it, and closes it with the session', async () => {
    const terminal = await call('terminal.open', { server: 'fidelity', cols: 80, rows: 24 });
    expect(terminal.command).toContain('fidelity.mjs');
    await call('terminal.write', { id: terminal.id, data: 'echo "plain=$PLAIN sum=$((40+2))"\r' });
    await waitFor(() => eventsNamed('terminal.data').filter((e) => e.id === terminal.id).map((e) => e.data).join('').includes('plain=changed sum=42'), 'the command output');
    const other = await call('terminal.open', { cols: 80, rows: 24 });
    expect(session.terminals.size).toBe(2);
    await call('terminal.close', { id: other.id });
    const own = service.openSession(() => {});
    const ownOpened = await own.dispatch('terminal.open', { cols: 80, rows: 24 });
    expect(ownOpened.ok).toBe(true);
    own.dispose();
    expect(own.terminals.size).toBe(0);
    await call('terminal.close', { id: terminal.id });
    expect(session.terminals.size).toBe(0);
  });
});

