// The Clients page's recent sessions: a 2025 session is active while the gateway holds it open, and no longer once
// its client closed it (a one-shot `switchboard call` does), however recent its last request; the Logs page names
// its messages by the client.
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiService } from '../../../../electron/core/api/index.ts';
import { fixture, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { connectClient, startGateway, stopGateways } from '../../../helpers/gateway.ts';
import { nodeServer, waitForState } from '../../../helpers/core.ts';
import { waitFor } from '../../../helpers/wait.ts';

afterAll(async () => {
  await stopGateways();
  removeTempDirs();
});

describe('recent client sessions', () => {
  it('are active while open, and not once their client closed them', async () => {
    const gateway = await startGateway({ fidelity: nodeServer(fixture('fidelity.mjs')) });
    await waitForState(gateway.app, 'fidelity', 'ready');
    const service = new ApiService(gateway.app, {
      endpoint: () => gateway.mcpUrl.href,
      token: () => 'token',
      regenerateToken: () => 'token',
      tokenFromEnv: false,
      launcher: { command: '/usr/bin/node', args: ['/opt/switchboard/bin/switchboard.js'] },
      platform: { home: tempDir(), env: {}, platform: 'linux' },
    });
    const session = service.openSession(() => undefined);
    const sessions = async () => {
      const result = await session.dispatch('clients.info', undefined);
      if (!result.ok) throw new Error(result.error.message);
      return (result.value as { sessions: { session: string | null; client: string | null; active: boolean }[] }).sessions;
    };
    try {
      const client = await connectClient(gateway.mcpUrl, 'legacy', { name: 'one-shot' });
      await client.callTool({ name: 'fidelity__link', arguments: {} });
      const id = (client.transport as StreamableHTTPClientTransport).sessionId!;
      expect((await sessions()).find((each) => each.session === id)).toMatchObject({ client: 'one-shot', active: true });
      // Its messages on the Logs page are named by the client, not by the session's UUID.
      const page = await session.dispatch('logs.query', { filter: { source: 'rpc' }, limit: 100 });
      if (!page.ok) throw new Error(page.error.message);
      const mine = (page.value as { items: { kind: string; session?: string | null; client?: string }[] }).items.filter((item) => item.session === id);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((item) => item.client === 'one-shot')).toBe(true);
      // The Playground's notifications pane: only what servers sent of their own accord (here, the progress of a call).
      await client.callTool({ name: 'fidelity__slow', arguments: { ms: 200 } }, { onprogress: () => undefined });
      const notifications = await session.dispatch('logs.query', { filter: { source: 'rpc', notifications: true }, limit: 100 });
      if (!notifications.ok) throw new Error(notifications.error.message);
      const sent = (notifications.value as { items: { kind: string; hop?: string; direction?: string; method?: string | null }[] }).items;
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((item) => item.kind === 'rpc' && item.hop === 'server' && item.direction === 'in' && item.method?.startsWith('notifications/'))).toBe(true);
      await (client.transport as StreamableHTTPClientTransport).terminateSession();
      await client.close();
      await waitFor(async () => ((await sessions()).find((each) => each.session === id)?.active === false ? true : undefined), 'the closed session shown as not active');
    } finally {
      service.dispose();
    }
  });
});
