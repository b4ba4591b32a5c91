// Liveness with the default settings: a frozen server is noticed within 10 s and replaced, instead of staying
// "ready" for a minute while every call to it waits for its timeout.
import { afterEach, describe, expect, it } from 'vitest';
import { isGroupAlive } from '../../../../electron/core/process/os-process.ts';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { waitFor } from '../../../helpers/wait.ts';

afterEach(async () => {
  await stopCores();
  removeTempDirs();
});

const quickRestart = { restart: { initialDelayMs: 100, maxDelayMs: 100, maxRetries: 5, stableAfterMs: 60_000 } };

describe('health checks (defaults)', () => {
  it('notice a stopped process (SIGSTOP) within a few seconds and replace it', async () => {
    const { app } = await startCore({ fidelity: nodeServer(fixture('fidelity.mjs'), quickRestart) }, { stopGrace: { stdinMs: 200, termMs: 500 } });
    const first = await waitForState(app, 'fidelity', 'ready');
    const frozenAt = Date.now();
    process.kill(first.pid!, 'SIGSTOP');
    const down = await waitForState(app, 'fidelity', ['restarting', 'starting'], 10_000);
    expect(Date.now() - frozenAt).toBeLessThan(5000);
    expect(down.lastError ?? app.supervisor.get('fidelity')!.status().lastError).toMatch(/unresponsive: the process is stopped/);
    await waitFor(() => !isGroupAlive(first.pid!), 'the stopped process to be killed', 5000);
    const back = await waitForState(app, 'fidelity', 'ready', 10_000);
    expect(back.pid).not.toBe(first.pid);
  });

  it('notice a server whose event loop locked up (alive, deaf to pings) within 10 s and replace it', async () => {
    const { app } = await startCore({ frozen: nodeServer(fixture('hang.mjs'), { ...quickRestart, env: { HANG_MODE: 'freeze', FREEZE_AFTER_MS: '100' } }) }, { stopGrace: { stdinMs: 100, termMs: 100 } });
    await waitForState(app, 'frozen', 'ready');
    const readyAt = Date.now();
    const down = await waitForState(app, 'frozen', 'restarting', 15_000);
    expect(Date.now() - readyAt).toBeLessThan(10_000);
    expect(down.lastError).toMatch(/^unresponsive: 2 pings in a row went unanswered for 2.5 s/);
  });

  it('are not written to the message log one by one (an idle server is pinged every few seconds)', async () => {
    const { app } = await startCore({ fidelity: nodeServer(fixture('fidelity.mjs')) });
    await waitForState(app, 'fidelity', 'ready');
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(app.store.traces.queryMessages({ server: 'fidelity', method: 'ping' })).toEqual([]);
    // Still alive and checked: no failure in the meantime.
    expect(app.supervisor.get('fidelity')!.status()).toMatchObject({ state: 'ready', restarts: 0 });
  });

  it('do not ping a server that is heard from anyway', async () => {
    const { app } = await startCore({ fidelity: nodeServer(fixture('fidelity.mjs')) });
    await waitForState(app, 'fidelity', 'ready');
    const server = app.supervisor.get('fidelity')!;
    const before = server.healthProbes;
    const end = Date.now() + 5000;
    while (Date.now() < end) await server.client!.callTool({ name: 'fail', arguments: {} });
    expect(server.healthProbes).toBe(before);
    // Left alone, it is pinged.
    await waitFor(() => server.healthProbes > before, 'a ping of the idle server', 5000);
  });
});
