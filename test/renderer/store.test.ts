// The UI's slices over a fake bridge: what each action calls, and what each event does to the state.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistorySummary, LogItem, ToolCallOutcome } from '../../shared/contract.ts';
import { createAppStore, wireEvents, type AppStore } from '../../renderer/store/index.ts';
import { MAX_LINES, trimmed } from '../../renderer/store/logs.ts';
import { TOAST_MS } from '../../renderer/store/app.ts';
import { status } from '../electron/main/statuses.ts';
import { FakeBridge } from './fake-bridge.ts';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  vi.useRealTimers();
});

function setup(configure: (bridge: FakeBridge) => void = () => {}): { bridge: FakeBridge; store: AppStore } {
  const bridge = new FakeBridge();
  configure(bridge);
  const store = createAppStore(bridge);
  unwire = wireEvents(bridge, store);
  return { bridge, store };
}

const log = (id: number, message: string, extra: Partial<Extract<LogItem, { kind: 'log' }>> = {}): LogItem => ({ kind: 'log', id, time: 1000 + id, server: 'a', stream: 'stderr', level: 'info', message, ...extra });
const rpc = (id: number, preview: string): LogItem => ({ kind: 'rpc', id, time: 1000 + id, server: 'a', hop: 'server', direction: 'in', session: null, method: 'tools/call', rpcId: String(id), traceId: null, preview });

describe('toasts', () => {
  it('counts a repeated message instead of stacking it, and lets errors go after a while', () => {
    vi.useFakeTimers();
    const { store } = setup();
    for (let i = 0; i < 3; i++) store.getState().app.toast('error', 'Could not read the metrics: disconnected');
    store.getState().app.toast('info', 'Saved');
    expect(store.getState().app.toasts.map((toast) => [toast.message, toast.count])).toEqual([
      ['Could not read the metrics: disconnected', 3],
      ['Saved', 1],
    ]);
    vi.advanceTimersByTime(TOAST_MS.info);
    expect(store.getState().app.toasts.map((toast) => toast.message)).toEqual(['Could not read the metrics: disconnected']);
    vi.advanceTimersByTime(TOAST_MS.error);
    expect(store.getState().app.toasts).toEqual([]);
  });
});

describe('the servers slice', () => {
  it('takes the statuses of a servers.changed event', () => {
    const { bridge, store } = setup();
    bridge.emit('servers.changed', { statuses: [status('github', { state: 'starting' })] });
    expect(store.getState().servers.statuses.map((s) => s.state)).toEqual(['starting']);
  });

  it('maps each action to its method, and a failure to an error toast', async () => {
    const { bridge, store } = setup((b) =>
      b
        .handle('servers.stop', () => null)
        .handle('config.setEnabled', () => null)
        .handle('servers.start', () => {
          throw new Error('no server named "x" in the config');
        }),
    );
    await store.getState().servers.act('stop', 'github');
    await store.getState().servers.act('disable', 'github');
    await store.getState().servers.act('start', 'x');
    expect(bridge.calls.map((c) => [c.method, c.args])).toEqual([
      ['servers.stop', { name: 'github' }],
      ['config.setEnabled', { name: 'github', enabled: false }],
      ['servers.start', { name: 'x' }],
    ]);
    expect(store.getState().app.toasts.at(-1)).toMatchObject({ kind: 'error', message: 'Could not start x: no server named "x" in the config' });
    expect(store.getState().servers.busy).toEqual({});
  });

  it('keeps the last good config and shows the problems of an invalid edit', async () => {
    const { bridge, store } = setup((b) => b.handle('config.get', () => ({ path: '/x/mcp.json', servers: [], problems: [] })));
    bridge.emit('config.changed', { problems: ['mcp.json: mcpServers.a.args: expected an array of strings'] });
    await vi.waitFor(() => expect(store.getState().servers.configProblems).toHaveLength(1));
    expect(bridge.callsOf('config.get')).toEqual([]);
    bridge.emit('config.changed', { problems: [] });
    await vi.waitFor(() => expect(store.getState().servers.config).toEqual({ path: '/x/mcp.json', servers: [], problems: [] }));
    expect(store.getState().servers.configProblems).toEqual([]);
  });
});

describe('the playground slice', () => {
  it('switches between the form and raw JSON without losing input', () => {
    const { store } = setup();
    const playground = () => store.getState().playground;
    playground().setValues('t', { message: 'hi', n: 2 });
    playground().setMode('t', 'json');
    expect(playground().draftOf('t').raw).toBe(JSON.stringify({ message: 'hi', n: 2 }, null, 2));
    playground().setRaw('t', '{"message": "edited", "n": 3}');
    expect(playground().draftOf('t')).toMatchObject({ values: { message: 'edited', n: 3 }, rawError: null });
    // Half-typed JSON: the text stays as typed, the form keeps the last good values.
    playground().setRaw('t', '{"message": "edi');
    expect(playground().draftOf('t')).toMatchObject({ raw: '{"message": "edi', values: { message: 'edited', n: 3 }, rawError: expect.any(String) });
    playground().setMode('t', 'form');
    playground().setMode('t', 'json');
    expect(playground().draftOf('t').raw).toBe('{"message": "edi');
    playground().setRaw('t', '[1]');
    expect(playground().draftOf('t').rawError).toBe('the arguments must be a JSON object');
  });

  it('runs a tool with the draft, shows progress while it runs, then the outcome', async () => {
    let finish!: (outcome: ToolCallOutcome) => void;
    const { bridge, store } = setup((b) => b.handle('tools.call', () => new Promise<ToolCallOutcome>((resolve) => (finish = resolve))));
    const playground = () => store.getState().playground;
    playground().setValues('everything__echo', { message: 'hi' });
    const running = playground().run('everything__echo');
    const run = playground().runs.everything__echo!;
    expect(run).toMatchObject({ running: true, outcome: null });
    expect(bridge.callsOf('tools.call')).toEqual([{ callId: run.callId, name: 'everything__echo', arguments: { message: 'hi' } }]);
    bridge.emit('tools.progress', { callId: run.callId, progress: 2, total: 5 });
    bridge.emit('tools.progress', { callId: 'someone-else', progress: 9 });
    expect(playground().runs.everything__echo!.progress).toEqual({ progress: 2, total: 5 });
    const outcome: ToolCallOutcome = { historyId: 1, tool: 'everything__echo', server: 'everything', startedAt: 0, durationMs: 3, status: 'ok', result: { content: [{ type: 'text', text: 'Echo: hi' }] }, error: null, structuredCheck: null, traceId: null };
    finish(outcome);
    await running;
    expect(playground().runs.everything__echo).toMatchObject({ running: false, outcome });
  });

  it('cancels the running call by its id, and restores a call of the history into the form', async () => {
    const { bridge, store } = setup((b) => b.handle('tools.call', () => new Promise(() => {})).handle('tools.cancel', () => null));
    void store.getState().playground.run('slow');
    await store.getState().playground.cancel('slow');
    expect(bridge.callsOf('tools.cancel')).toEqual([{ callId: store.getState().playground.runs.slow!.callId }]);
    const entry: HistorySummary = { id: 7, time: 0, tool: 'everything__get-sum', server: 'everything', arguments: { a: 1, b: 2 }, status: 'ok', durationMs: 1, error: null, traceId: null };
    store.getState().playground.restore(entry);
    expect(store.getState().playground).toMatchObject({ selected: 'everything__get-sum', tab: 'tools' });
    expect(store.getState().playground.draftOf('everything__get-sum').values).toEqual({ a: 1, b: 2 });
  });
});

describe('the logs slice', () => {
  it('loads the newest page, then older pages on top, each line once', async () => {
    const { bridge, store } = setup((b) =>
      b.handle('logs.query', (args) => (args!.before ? { items: [log(1, 'one'), rpc(2, 'two')], next: null } : { items: [rpc(2, 'two'), log(3, 'three')], next: { log: 3, rpc: 2 } })),
    );
    await store.getState().logs.reload();
    expect(store.getState().logs.items.map((i) => i.id)).toEqual([2, 3]);
    expect(await store.getState().logs.loadOlder()).toBe(1);
    expect(store.getState().logs.items.map((i) => `${i.kind}${i.id}`)).toEqual(['log1', 'rpc2', 'log3']);
    expect(store.getState().logs.older).toBeNull();
    expect(bridge.callsOf('logs.query')).toEqual([
      { filter: {}, limit: 1000 },
      { filter: {}, before: { log: 3, rpc: 2 }, limit: 1000 },
    ]);
  });

  it('tails the lines that match the filter, holds them while paused, and counts what a flood skipped', async () => {
    const { bridge, store } = setup((b) => b.handle('logs.query', () => ({ items: [], next: null })));
    store.getState().logs.setFilter({ source: 'logs', text: 'boom' });
    await vi.waitFor(() => expect(bridge.callsOf('logs.query')).toEqual([{ filter: { source: 'logs', text: 'boom' }, limit: 1000 }]));
    bridge.emit('logs.appended', { items: [log(1, 'a boom'), log(2, 'quiet'), rpc(3, 'boom')], skipped: 0 });
    expect(store.getState().logs.items.map((i) => i.id)).toEqual([1]);
    store.getState().logs.setPaused(true);
    bridge.emit('logs.appended', { items: [log(4, 'boom again')], skipped: 12 });
    expect(store.getState().logs.items.map((i) => i.id)).toEqual([1]);
    expect(store.getState().logs.pending.map((i) => i.id)).toEqual([4]);
    store.getState().logs.setPaused(false);
    expect(store.getState().logs.items.map((i) => i.id)).toEqual([1, 4]);
    expect(store.getState().logs.skipped).toBe(12);
  });

  it('keeps at most MAX_LINES in memory, and the cursor then continues where the kept lines start', () => {
    const items = Array.from({ length: MAX_LINES + 10 }, (_, i) => (i % 2 ? log(i + 1, 'x') : rpc(i + 1, 'y')));
    const result = trimmed(items, null);
    expect(result.items).toHaveLength(MAX_LINES);
    expect(result.items[0]!.id).toBe(11);
    expect(result.older).toEqual({ log: 12, rpc: 11 });
  });

  it('lets the newest lines go when scrolled back past MAX_LINES, and stops the tail until it returns to them', async () => {
    const { bridge, store } = setup((b) =>
      b.handle('logs.query', (args) => {
        const end = args!.before?.log ?? MAX_LINES + 1;
        const items = Array.from({ length: 1000 }, (_, i) => log(end - 1000 + i, 'x'));
        return { items, next: { log: end - 1000, rpc: 0 } };
      }),
    );
    await store.getState().logs.reload();
    while (!store.getState().logs.detached) await store.getState().logs.loadOlder();
    expect(store.getState().logs.items).toHaveLength(MAX_LINES);
    bridge.emit('logs.appended', { items: [log(MAX_LINES + 5, 'new')], skipped: 0 });
    expect(store.getState().logs.items.some((item) => item.id === MAX_LINES + 5)).toBe(false);
    await store.getState().logs.reload();
    expect(store.getState().logs).toMatchObject({ detached: false });
    expect(store.getState().logs.items).toHaveLength(1000);
  });

  it('fetches the whole message when a JSON-RPC line is selected', async () => {
    const { store } = setup((b) => b.handle('logs.message', ({ id }) => ({ id, time: 0, hop: 'server' as const, direction: 'in' as const, session: null, server: 'a', method: 'tools/call', rpcId: '1', traceId: null, body: '{"full":true}' })));
    await store.getState().logs.select(rpc(5, '{"fu'));
    expect(store.getState().logs.detail?.body).toBe('{"full":true}');
  });
});

describe('events wired to the slices', () => {
  it('adds new calls to the history once, queues dialogs and drops the ones that closed', () => {
    const { bridge, store } = setup();
    const entry: HistorySummary = { id: 1, time: 0, tool: 't', server: null, arguments: {}, status: 'ok', durationMs: 1, error: null, traceId: null };
    bridge.emit('history.appended', { entry });
    bridge.emit('history.appended', { entry });
    expect(store.getState().history.entries).toEqual([entry]);
    bridge.emit('dialogs.request', { requestId: 'r1', kind: 'elicitation', server: 'everything', params: { message: 'name?' } });
    bridge.emit('dialogs.request', { requestId: 'r2', kind: 'sampling', server: 'everything', params: {} });
    bridge.emit('dialogs.closed', { requestId: 'r1' });
    expect(store.getState().dialogs.queue.map((d) => d.requestId)).toEqual(['r2']);
  });

  it('refreshes the catalog on catalog.changed, and everything after a reconnect', async () => {
    const { bridge, store } = setup((b) =>
      b
        .handle('catalog.get', () => ({ tools: [{ name: 'a__t', server: 'a', originalName: 't', inputSchema: { type: 'object' } }], prompts: [], resources: [], resourceTemplates: [] }))
        .handle('servers.list', () => [status('a')])
        .handle('config.get', () => ({ path: 'p', servers: [], problems: [] }))
        .handle('app.info', () => ({ version: '1', endpoint: 'http://127.0.0.1:1/mcp', dataDir: 'd', configPath: 'p', platform: 'linux' }))
        .handle('history.list', () => [])
        .handle('logs.query', () => ({ items: [], next: null }))
        .handle('config.firstRun', () => ({ claudeDesktop: null })),
    );
    bridge.emit('catalog.changed', {});
    await vi.waitFor(() => expect(store.getState().catalog.catalog.tools).toHaveLength(1));
    bridge.setState('offline');
    expect(store.getState().app.connection).toBe('offline');
    bridge.setState('online');
    await vi.waitFor(() => expect(store.getState().app.info?.endpoint).toBe('http://127.0.0.1:1/mcp'));
    expect(store.getState().servers.statuses).toHaveLength(1);
  });
});
