import { describe, expect, it, vi } from 'vitest';
import type { EventMessage } from '../../../shared/contract.ts';
import { createDispatch, type Handlers } from '../../../electron/core/api/index.ts';
import { UnknownServerError } from '../../../electron/core/supervisor/supervisor.ts';
import { createInvokeListener, EventQueue } from '../../../electron/main/ipc.ts';
import { status } from './statuses.ts';

interface FakeEvent {
  trusted: boolean;
}

/** The servers' part of the contract over a fake supervisor; the adapter is what is under test. */
function fakeWindow() {
  const statuses = [status('github', { tools: 26 }), status('slack', { state: 'failed', lastError: 'spawn npx ENOENT' })];
  const supervisor = {
    start: vi.fn((name: string) => {
      if (!statuses.some((s) => s.name === name)) throw new UnknownServerError(name);
    }),
    stop: vi.fn(async (_name: string) => {}),
    restart: vi.fn(async (_name: string) => {}),
  };
  const handlers = {
    'servers.list': () => statuses,
    'servers.start': ({ name }: { name: string }) => (supervisor.start(name), null),
    'servers.stop': async ({ name }: { name: string }) => (await supervisor.stop(name), null),
    'servers.restart': async ({ name }: { name: string }) => (await supervisor.restart(name), null),
  } as unknown as Handlers;
  const dispatch = createDispatch(handlers);
  let open = true;
  const listener = createInvokeListener((event: FakeEvent) => event.trusted, () => (open ? dispatch : undefined));
  return { supervisor, listener, close: () => (open = false) };
}

const ours: FakeEvent = { trusted: true };

describe('the IPC invoke listener', () => {
  it('answers our window with the servers and their states', async () => {
    const { listener } = fakeWindow();
    const result = await listener(ours, 'servers.list', undefined);
    expect(result).toMatchObject({ ok: true, value: [{ name: 'github', state: 'ready', tools: 26 }, { name: 'slack', state: 'failed' }] });
  });

  it('starts, stops and restarts the named server', async () => {
    const { listener, supervisor } = fakeWindow();
    expect(await listener(ours, 'servers.start', { name: 'slack' })).toEqual({ ok: true, value: null });
    expect(await listener(ours, 'servers.stop', { name: 'github' })).toEqual({ ok: true, value: null });
    expect(await listener(ours, 'servers.restart', { name: 'github' })).toEqual({ ok: true, value: null });
    expect(supervisor.start).toHaveBeenCalledWith('slack');
    expect(supervisor.stop).toHaveBeenCalledWith('github');
    expect(supervisor.restart).toHaveBeenCalledWith('github');
  });

  it('refuses a sender that is not our window and does nothing for it', async () => {
    const { listener, supervisor } = fakeWindow();
    const result = await listener({ trusted: false }, 'servers.stop', { name: 'github' });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('only from the Switchboard window') } });
    expect(supervisor.stop).not.toHaveBeenCalled();
  });

  it('names a method it does not know, including names inherited from Object', async () => {
    const { listener } = fakeWindow();
    for (const method of ['servers.delete', 'constructor', '__proto__', 'toString', 42]) {
      expect(await listener(ours, method, undefined), String(method)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
  });

  it('checks arguments before acting, since the page is not trusted to send what its types say', async () => {
    const { listener, supervisor } = fakeWindow();
    for (const args of [undefined, {}, { name: 3 }, { name: '' }, { name: 'github', force: true }]) {
      const result = await listener(ours, 'servers.stop', args);
      expect(result, JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'invalid-args', message: expect.stringContaining('servers.stop') } });
    }
    expect(supervisor.stop).not.toHaveBeenCalled();
  });

  it('turns a failure into our own message instead of a rejected promise', async () => {
    const { listener, supervisor } = fakeWindow();
    expect(await listener(ours, 'servers.start', { name: 'nope' })).toEqual({ ok: false, error: { code: 'not-found', message: 'no server named "nope" in the config' } });
    supervisor.restart.mockRejectedValueOnce(new Error('Switchboard is shutting down; no new servers start'));
    expect(await listener(ours, 'servers.restart', { name: 'github' })).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringContaining('shutting down') } });
  });

  it('waits for a stop to finish before answering', async () => {
    const { listener, supervisor } = fakeWindow();
    let finish!: () => void;
    supervisor.stop.mockReturnValueOnce(new Promise<void>((resolve) => (finish = resolve)));
    let answered = false;
    const pending = listener(ours, 'servers.stop', { name: 'github' }).then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(answered).toBe(false);
    finish();
    await pending;
    expect(answered).toBe(true);
  });

  it('says the window is closing once its session is gone', async () => {
    const { listener, close } = fakeWindow();
    close();
    expect(await listener(ours, 'servers.list', undefined)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});

describe('the event queue of a window', () => {
  const event = (n: number): EventMessage => ({ name: 'traces.appended', payload: { latest: n } });

  it('holds events until the page listens, then sends them in order, and the rest at once', () => {
    const sent: EventMessage[] = [];
    const queue = new EventQueue((message) => sent.push(message));
    queue.push(event(1));
    queue.push(event(2));
    expect(sent).toEqual([]);
    queue.ready();
    expect(sent).toEqual([event(1), event(2)]);
    queue.push(event(3));
    expect(sent).toEqual([event(1), event(2), event(3)]);
  });

  it('holds them again while the page reloads', () => {
    const sent: EventMessage[] = [];
    const queue = new EventQueue((message) => sent.push(message));
    queue.ready();
    queue.unready();
    queue.push(event(1));
    expect(sent).toEqual([]);
    queue.ready();
    expect(sent).toEqual([event(1)]);
  });

  it('keeps the newest events when a page never listens', () => {
    const sent: EventMessage[] = [];
    const queue = new EventQueue((message) => sent.push(message), 3);
    for (let n = 1; n <= 5; n++) queue.push(event(n));
    expect(queue.dropped).toBe(2);
    queue.ready();
    expect(sent).toEqual([event(3), event(4), event(5)]);
  });
});
