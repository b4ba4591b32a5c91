import { describe, expect, it, vi } from 'vitest';
import { coreHandlers, createInvokeListener, type InvokeTarget } from '../../../electron/main/ipc.ts';
import { status } from './statuses.ts';

interface FakeEvent {
  trusted: boolean;
}

function fakeCore() {
  const statuses = [status('github', { tools: 26 }), status('slack', { state: 'failed', lastError: 'spawn npx ENOENT' })];
  const supervisor = {
    statuses: vi.fn(() => statuses),
    start: vi.fn((name: string) => {
      if (!statuses.some((s) => s.name === name)) throw new Error(`no server named "${name}" in the config`);
    }),
    stop: vi.fn(async (_name: string) => {}),
    restart: vi.fn(async (_name: string) => {}),
  };
  const core: InvokeTarget = { health: () => ({ status: 'degraded', version: '0.1.0', uptimeMs: 5, servers: statuses }), supervisor };
  const listener = createInvokeListener((event: FakeEvent) => event.trusted, coreHandlers(core));
  return { supervisor, listener };
}

const ours: FakeEvent = { trusted: true };

describe('the IPC invoke listener', () => {
  it('answers our window with the servers and their states', async () => {
    const { listener } = fakeCore();
    const result = await listener(ours, 'servers.list', undefined);
    expect(result).toMatchObject({ ok: true, value: [{ name: 'github', state: 'ready', tools: 26 }, { name: 'slack', state: 'failed' }] });
  });

  it('starts, stops and restarts the named server', async () => {
    const { listener, supervisor } = fakeCore();
    expect(await listener(ours, 'servers.start', { name: 'slack' })).toEqual({ ok: true, value: null });
    expect(await listener(ours, 'servers.stop', { name: 'github' })).toEqual({ ok: true, value: null });
    expect(await listener(ours, 'servers.restart', { name: 'github' })).toEqual({ ok: true, value: null });
    expect(supervisor.start).toHaveBeenCalledWith('slack');
    expect(supervisor.stop).toHaveBeenCalledWith('github');
    expect(supervisor.restart).toHaveBeenCalledWith('github');
  });

  it('refuses a sender that is not our window and does nothing for it', async () => {
    const { listener, supervisor } = fakeCore();
    const result = await listener({ trusted: false }, 'servers.stop', { name: 'github' });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('only from the Switchboard window') } });
    expect(supervisor.stop).not.toHaveBeenCalled();
  });

  it('names a method it does not know, including names inherited from Object', async () => {
    const { listener } = fakeCore();
    for (const method of ['servers.delete', 'constructor', '__proto__', 'toString', 42]) {
      expect(await listener(ours, method, undefined), String(method)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
  });

  it('checks arguments before acting, since the page is not trusted to send what its types say', async () => {
    const { listener, supervisor } = fakeCore();
    for (const args of [undefined, {}, { name: 3 }, { name: '' }, { name: 'github', force: true }]) {
      const result = await listener(ours, 'servers.stop', args);
      expect(result, JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'invalid-args', message: expect.stringContaining('servers.stop') } });
    }
    expect(supervisor.stop).not.toHaveBeenCalled();
  });

  it('turns a failure into our own message instead of a rejected promise', async () => {
    const { listener, supervisor } = fakeCore();
    expect(await listener(ours, 'servers.start', { name: 'nope' })).toEqual({ ok: false, error: { code: 'failed', message: 'no server named "nope" in the config' } });
    supervisor.restart.mockRejectedValueOnce(new Error('Switchboard is shutting down; no new servers start'));
    expect(await listener(ours, 'servers.restart', { name: 'github' })).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringContaining('shutting down') } });
  });

  it('waits for a stop to finish before answering', async () => {
    const { listener, supervisor } = fakeCore();
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
});
