// Per-server options of the gateway and the less common parts of the protocol, with real servers.
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binOf, fixture, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways } from '../../../helpers/gateway.ts';
import { waitFor } from '../../../helpers/wait.ts';

const everythingBin = binOf('@modelcontextprotocol/server-everything', 'dist/index.js');
let gateway: Awaited<ReturnType<typeof startGateway>>;
let rootDir: string;

beforeAll(async () => {
  rootDir = tempDir();
  gateway = await startGateway(
    {
      everything: nodeServer(everythingBin, { args: [everythingBin, 'stdio'], tools: { deny: ['get-env', 'gzip-*'] }, roots: [rootDir] }),
      fs: nodeServer(fixture('fidelity.mjs'), { prefix: false, tools: { allow: ['slow', 'fail'] } }),
      dyn: nodeServer(fixture('dynamic.mjs'), { alias: 'd' }),
    },
    { gateway: { pageSize: 5 } },
  );
  await Promise.all(['everything', 'fs', 'dyn'].map((name) => waitForState(gateway.app, name, 'ready')));
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

async function allTools(client: Client): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    // A raw request: the SDK's listTools() would walk the pages itself.
    const page = (await client.request({ method: 'tools/list', params: cursor ? { cursor } : {} })) as { tools: { name: string }[]; nextCursor?: string };
    pages++;
    names.push(...page.tools.map((t) => t.name));
    cursor = page.nextCursor;
  } while (cursor);
  return { names, pages };
}

const text = (result: { content?: unknown }) => (result.content as { text?: string }[]).map((c) => c.text ?? '').join('');

describe('per-server options', () => {
  it('pages through the aggregate with its own cursors, each tool once', async () => {
    const client = await connectClient(gateway.mcpUrl, 'legacy');
    const { names, pages } = await allTools(client);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(names).size).toBe(names.length);
    await expect(client.request({ method: 'tools/list', params: { cursor: 'not-a-cursor' } })).rejects.toThrow(/Invalid cursor/);
  });

  it('applies tools.allow and tools.deny, prefix: false and alias', async () => {
    const client = await connectClient(gateway.mcpUrl, 'modern');
    const { names } = await allTools(client);
    expect(names).not.toContain('everything__get-env');
    expect(names.some((n) => n.startsWith('everything__gzip-'))).toBe(false);
    expect(names).toContain('everything__echo');
    expect(names.filter((n) => !n.includes('__')).sort()).toEqual(['fail', 'slow']); // fs: allowed tools, unprefixed
    expect(names).toContain('d__add_tool');
    expect(text(await client.callTool({ name: 'slow', arguments: { ms: 10 } }))).toBe('done after 10 ms');
    await expect(client.callTool({ name: 'everything__get-env', arguments: {} })).rejects.toThrow(/Unknown tool/);
  });
});

describe('roots, logging and resource subscriptions', () => {
  // server-everything asks for roots when it connects, before any client call: the configured roots answer.
  it("answers a server's roots request from its configured roots when no client call is waiting", async () => {
    const client = await connectClient(gateway.mcpUrl, 'legacy');
    const result = await client.callTool({ name: 'everything__get-roots-list', arguments: {} });
    expect(text(result)).toContain(`file://${rootDir}`);
  });

  it("forwards a server's log messages, tagged with the server, to a client that set a level, and stores them", async () => {
    const logs: { logger?: string; level: string }[] = [];
    const client = await connectClient(gateway.mcpUrl, 'legacy', { setup: (c) => c.setNotificationHandler('notifications/message', (n) => void logs.push(n.params)) });
    await client.setLoggingLevel('debug');
    await client.callTool({ name: 'everything__toggle-simulated-logging', arguments: {} });
    try {
      await waitFor(() => logs.length > 0, 'a log message', 15_000);
      expect(logs[0]!.logger?.startsWith('everything')).toBe(true);
      await waitFor(() => gateway.app.store.logs.query({ server: 'everything', stream: 'mcp' }).length > 0, 'the stored log message');
    } finally {
      await client.callTool({ name: 'everything__toggle-simulated-logging', arguments: {} });
    }
  });

  it('subscribes upstream once for many clients and delivers updates under the exposed URI', async () => {
    const updates: string[] = [];
    const a = await connectClient(gateway.mcpUrl, 'legacy', { setup: (c) => c.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri)) });
    const b = await connectClient(gateway.mcpUrl, 'legacy');
    const uri = 'demo://resource/dynamic/text/1';
    await a.subscribeResource({ uri });
    await b.subscribeResource({ uri });
    const upstreamSubscribes = () => gateway.app.store.traces.queryMessages({ server: 'everything', method: 'resources/subscribe' }).length;
    await waitFor(() => upstreamSubscribes() === 1, 'one upstream subscription');
    await a.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
    try {
      await waitFor(() => updates.includes(uri), 'an update notification', 15_000);
    } finally {
      await a.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
    }
    expect(upstreamSubscribes()).toBe(1);
    await b.unsubscribeResource({ uri });
    await a.unsubscribeResource({ uri });
    await waitFor(() => gateway.app.store.traces.queryMessages({ server: 'everything', method: 'resources/unsubscribe' }).length === 1, 'one upstream unsubscribe');
  });
});
