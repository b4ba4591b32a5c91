// Remote upstreams (`url`) join the aggregate beside stdio servers. The remote here is a real Streamable
// HTTP MCP server: another Switchboard, so both protocol eras and the bearer header are exercised for real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways, TEST_TOKEN } from '../../../helpers/gateway.ts';

let upstream: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  upstream = await startGateway({ fidelity: nodeServer(fixture('fidelity.mjs')) });
  await waitForState(upstream.app, 'fidelity', 'ready');
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

const text = (result: { content?: unknown }) => (result.content as { text?: string }[]).map((c) => c.text ?? '').join('');

describe('a remote upstream', () => {
  it("joins the aggregate with its tools, and calls (with progress) pass through both hops", async () => {
    const front = await startGateway({
      remote: { url: upstream.mcpUrl.href, headers: { Authorization: `Bearer ${TEST_TOKEN}` } },
      local: nodeServer(fixture('dynamic.mjs')),
    });
    const status = await waitForState(front.app, 'remote', 'ready');
    expect(status.pid).toBeNull();
    expect(status.tools).toBe(5); // the fidelity fixture's five tools
    const client = await connectClient(front.mcpUrl, 'legacy');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['remote__fidelity__slow', 'remote__fidelity__fail', 'local__add_tool']));
    expect(text(await client.callTool({ name: 'remote__fidelity__fail', arguments: {} }))).toBe('it went wrong on purpose');
    const progress: number[] = [];
    const slow = await client.callTool({ name: 'remote__fidelity__slow', arguments: { ms: 250 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(text(slow)).toBe('done after 250 ms');
    expect(progress.length).toBeGreaterThan(0);
  });

  it('reports a refused token as a failed handshake, with the reason', async () => {
    const front = await startGateway({ remote: { url: upstream.mcpUrl.href, headers: { Authorization: 'Bearer wrong' }, restart: false } });
    const status = await waitForState(front.app, 'remote', 'failed');
    expect(status.lastError).toBe(`${upstream.mcpUrl.href} refused the credentials (HTTP 401): check the server's headers (its token)`);
  });

  it('notices when the remote goes away', async () => {
    const second = await startGateway({ fidelity: nodeServer(fixture('fidelity.mjs')) });
    await waitForState(second.app, 'fidelity', 'ready');
    const front = await startGateway(
      { remote: { url: second.mcpUrl.href, headers: { Authorization: `Bearer ${TEST_TOKEN}` }, restart: { maxRetries: 50, initialDelayMs: 100, maxDelayMs: 200 } } },
      { healthCheck: { intervalMs: 200, timeoutMs: 300, misses: 1 } },
    );
    await waitForState(front.app, 'remote', 'ready');
    await second.http.close(100);
    const down = await waitForState(front.app, 'remote', ['restarting', 'starting'], 10_000);
    expect(down.tools).toBe(0);
  });
});
