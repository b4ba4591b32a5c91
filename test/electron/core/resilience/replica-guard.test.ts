// A failing server is given a rest (the circuit breaker), and a busy one a bounded queue (the bulkhead): both
// answer at once with what is happening and when to retry, instead of every call waiting for its timeout.
import type { Client } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways } from '../../../helpers/gateway.ts';
import { sleep, waitFor } from '../../../helpers/wait.ts';

afterEach(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

const text = (result: { content?: unknown; isError?: boolean }) => ({ isError: result.isError ?? false, text: (result.content as { text?: string }[]).map((c) => c.text ?? '').join('') });

async function gatewayWith(extra: Record<string, unknown>) {
  const gateway = await startGateway({ fidelity: nodeServer(fixture('fidelity.mjs'), extra) });
  await waitForState(gateway.app, 'fidelity', 'ready');
  const client: Client = await connectClient(gateway.mcpUrl, 'legacy');
  return { gateway, client };
}

describe('the circuit breaker', () => {
  it('opens after repeated timeouts and refuses calls at once, says so in /health, then lets one call through and closes', async () => {
    const { gateway, client } = await gatewayWith({ timeoutMs: 200, breaker: { failures: 3, openMs: 1500 } });
    for (let i = 0; i < 3; i++) expect(text(await client.callTool({ name: 'fidelity__slow', arguments: { ms: 5000 } })).text).toMatch(/did not answer within 0.2 s/);
    await waitFor(() => gateway.app.health().servers[0]?.breaker === 'open', 'the breaker to open');
    const started = Date.now();
    const refused = text(await client.callTool({ name: 'fidelity__fail', arguments: {} }));
    expect(Date.now() - started).toBeLessThan(100);
    expect(refused).toEqual({ isError: true, text: expect.stringMatching(/^Server "fidelity" is failing: 3 timeouts or lost connections in a row; calls to it are refused for the next \d s, then one is tried again\.$/) });
    expect(gateway.app.store.logs.query({ server: 'fidelity', text: 'circuit open' })).toHaveLength(1);
    // After its rest, one call is tried; it answers, and the breaker closes.
    await sleep(1600);
    expect(text(await client.callTool({ name: 'fidelity__fail', arguments: {} }))).toEqual({ isError: true, text: 'it went wrong on purpose' });
    expect(gateway.app.health().servers[0]?.breaker).toBe('closed');
    await waitFor(() => gateway.app.store.logs.query({ server: 'fidelity', text: 'circuit closed' }).length === 1, 'the closing in the log');
  });

  it("does not count a tool's own errors: a tool that fails on purpose never opens it", async () => {
    const { gateway, client } = await gatewayWith({ breaker: { failures: 2, openMs: 60_000 } });
    for (let i = 0; i < 5; i++) expect(text(await client.callTool({ name: 'fidelity__fail', arguments: {} })).isError).toBe(true);
    expect(gateway.app.health().servers[0]?.breaker).toBe('closed');
  });
});

describe('the limits of a server (backpressure)', () => {
  it('runs at most maxConcurrent calls, queues maxQueued, refuses the rest as busy, and gives up on a wait past queueTimeoutMs', async () => {
    const { gateway, client } = await gatewayWith({ limits: { maxConcurrent: 2, maxQueued: 1, queueTimeoutMs: 400 } });
    const running = [0, 1].map(() => client.callTool({ name: 'fidelity__slow', arguments: { ms: 1500 } }));
    await waitFor(() => gateway.app.gateway.pool.inFlight('fidelity') === 2, 'two calls running');
    const queued = client.callTool({ name: 'fidelity__fail', arguments: {} });
    await sleep(50);
    const refused = text(await client.callTool({ name: 'fidelity__fail', arguments: {} }));
    expect(refused).toEqual({ isError: true, text: 'Server "fidelity" is busy: 2 calls running and 1 waiting (limits in its config); try again in a moment.' });
    expect(text(await queued)).toEqual({ isError: true, text: 'Server "fidelity" is busy: the call waited 0.4 s behind 2 others and was not started; try again in a moment.' });
    for (const call of running) expect(text(await call)).toEqual({ isError: false, text: 'done after 1500 ms' });
    // With room again, calls run.
    expect(text(await client.callTool({ name: 'fidelity__fail', arguments: {} })).text).toBe('it went wrong on purpose');
  });
});
