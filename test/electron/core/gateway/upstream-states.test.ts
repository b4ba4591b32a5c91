// A call to a server that cannot take it now says why and what to do, instead of "Unknown tool"; a config change
// lets the calls in flight finish before the server restarts.
import fs from 'node:fs';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways } from '../../../helpers/gateway.ts';
import { waitFor } from '../../../helpers/wait.ts';

let gateway: Awaited<ReturnType<typeof startGateway>>;
let client: Client;

const text = (result: { content?: unknown; isError?: boolean }) => ({ isError: result.isError ?? false, text: (result.content as { text?: string }[]).map((c) => c.text ?? '').join('') });

beforeAll(async () => {
  gateway = await startGateway(
    {
      fidelity: nodeServer(fixture('fidelity.mjs')),
      steady: nodeServer(fixture('dynamic.mjs')),
      crashy: nodeServer(fixture('crash-later.mjs'), { env: { CRASH_AFTER_MS: '1500' }, restart: { maxRetries: 3, initialDelayMs: 20_000, maxDelayMs: 20_000, stableAfterMs: 60_000 } }),
      broken: nodeServer(fixture('crash-at-start.mjs'), { restart: { maxRetries: 1, initialDelayMs: 50, maxDelayMs: 50, stableAfterMs: 60_000 } }),
    },
    { drainMs: 10_000 },
  );
  await Promise.all(['fidelity', 'steady', 'crashy'].map((name) => waitForState(gateway.app, name, 'ready')));
  client = await connectClient(gateway.mcpUrl, 'legacy');
  await client.listTools();
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

describe('calls to a server that cannot take them', () => {
  it('say that a server is restarting, which attempt it is and when the next one comes', async () => {
    await waitForState(gateway.app, 'crashy', 'restarting');
    expect(text(await client.callTool({ name: 'crashy__ping_fixture', arguments: {} }))).toEqual({
      isError: true,
      text: expect.stringMatching(/^Server "crashy" is restarting \(attempt 1 of 3, next in \d+ s, down for \d+ (m)?s\) \(last error: exited with code 3: fatal: lost connection to the imaginary database\); try again then\. Another server offers a tool of the same name: steady__ping_fixture\.$/),
    });
  });

  it('say that a server is in crash-loop and where to restart it, even if it never got to list its tools', async () => {
    await waitForState(gateway.app, 'broken', 'crash-loop');
    const answer = text(await client.callTool({ name: 'broken__anything', arguments: {} }));
    expect(answer).toEqual({ isError: true, text: expect.stringMatching(/^Server "broken" is in crash-loop \(for \d+ (m)?s\): it failed 2 times in a row/) });
    expect(answer.text).toContain('missing API key');
    expect(answer.text).toContain('Restart it on the Servers page');
  });

  it('say that a server is stopped, for tools and for prompts and resources alike', async () => {
    await gateway.app.supervisor.stop('steady');
    expect(text(await client.callTool({ name: 'steady__add_tool', arguments: {} }))).toEqual({ isError: true, text: expect.stringMatching(/^Server "steady" is stopped \(for \d+ m?s\): start it on the Servers page of the Switchboard window\.$/) });
    await expect(client.getPrompt({ name: 'steady__anything' })).rejects.toThrow(/Server "steady" is stopped/);
    gateway.app.supervisor.start('steady');
    await waitForState(gateway.app, 'steady', 'ready');
    await waitFor(async () => !text(await client.callTool({ name: 'steady__ping_fixture', arguments: {} })).isError, 'steady to answer again');
  });

  it('still say "Unknown tool" (with a suggestion) for a name no server has', async () => {
    await expect(client.callTool({ name: 'fidelity__slw', arguments: {} })).rejects.toThrow(/Unknown tool: fidelity__slw; did you mean fidelity__slow\?/);
  });
});

describe('a config change', () => {
  it('lets the calls in flight on the changed server finish, turns new ones away with the reason, then restarts it', async () => {
    const slow = client.callTool({ name: 'fidelity__slow', arguments: { ms: 1500 } });
    await waitFor(() => gateway.app.gateway.pool.inFlight('fidelity') === 1, 'the slow call to be in flight');
    const config = JSON.parse(fs.readFileSync(gateway.configPath, 'utf8'));
    config.mcpServers.fidelity.env = { CHANGED: '1' };
    fs.writeFileSync(gateway.configPath, JSON.stringify(config));
    await waitFor(() => gateway.app.supervisor.get('fidelity')?.draining, 'fidelity to drain');
    expect(text(await client.callTool({ name: 'fidelity__fail', arguments: {} }))).toEqual({
      isError: true,
      text: 'Server "fidelity" is restarting to apply its changed config (waiting for 1 call in flight to finish); try again in a moment.',
    });
    expect(text(await slow)).toEqual({ isError: false, text: 'done after 1500 ms' });
    await waitFor(() => gateway.app.supervisor.get('fidelity')?.config.env.CHANGED === '1' && gateway.app.supervisor.get('fidelity')?.currentState === 'ready', 'fidelity to restart with the new config');
    expect(text(await client.callTool({ name: 'fidelity__fail', arguments: {} }))).toEqual({ isError: true, text: 'it went wrong on purpose' });
  });
});

describe('a server stuck in its handshake', () => {
  it("stalls no call to another server, and lists wait for it only during its first seconds", async () => {
    const stuck = await startGateway(
      { ok: nodeServer(fixture('fidelity.mjs')), stuck: nodeServer(fixture('hang.mjs'), { env: { HANG_MODE: 'no-handshake' }, startupTimeoutMs: 60_000 }) },
      { gateway: { startingWaitMs: 1500 }, stopGrace: { stdinMs: 100, termMs: 100 } },
    );
    await waitForState(stuck.app, 'ok', 'ready');
    const other = await connectClient(stuck.mcpUrl, 'legacy');
    let started = Date.now();
    expect(text(await other.callTool({ name: 'ok__fail', arguments: {} })).text).toBe('it went wrong on purpose');
    expect(Date.now() - started).toBeLessThan(300);
    // Past its first 1.5 s of starting, a list does not wait for it either.
    await waitFor(() => Date.now() - stuck.app.supervisor.get('stuck')!.status().since > 1600, 'the stuck server to be past its wait');
    started = Date.now();
    expect((await other.listTools()).tools.map((tool) => tool.name)).toContain('ok__fail');
    expect(Date.now() - started).toBeLessThan(300);
    expect(stuck.app.supervisor.get('stuck')!.currentState).toBe('starting');
  });
});
