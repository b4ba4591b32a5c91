// Legacy sessions that nobody uses are closed after a while; one with an open notification stream is in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { startGateway, stopGateways, TEST_TOKEN } from '../../../helpers/gateway.ts';
import { sleep, waitFor } from '../../../helpers/wait.ts';

let gateway: Awaited<ReturnType<typeof startGateway>>;
const headers = (session?: string) => ({
  authorization: `Bearer ${TEST_TOKEN}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' } : {}),
});

beforeAll(async () => {
  gateway = await startGateway({ dyn: nodeServer(fixture('dynamic.mjs')) }, {}, { sessionIdleMs: 400 });
  await waitForState(gateway.app, 'dyn', 'ready');
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

async function openSession(): Promise<string> {
  const response = await fetch(gateway.mcpUrl, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'sweep', version: '1' } } }),
  });
  await response.text();
  return response.headers.get('mcp-session-id')!;
}

const ping = (session: string) => fetch(gateway.mcpUrl, { method: 'POST', headers: headers(session), body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) });

describe('the idle-session sweep', () => {
  it('closes a session idle past the limit (its next request gets 404) and keeps one whose notification stream is open', async () => {
    const idle = await openSession();
    const listening = await openSession();
    const stream = await fetch(gateway.mcpUrl, { method: 'GET', headers: { ...headers(listening), accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(gateway.app.gateway.sessionCount).toBe(2);
    await waitFor(() => gateway.app.gateway.sessionCount === 1, 'the idle session to be closed', 5000);
    expect((await ping(idle)).status).toBe(404);
    await sleep(600);
    expect((await ping(listening)).status).toBe(200);
    await stream.body?.cancel();
  });
});

describe('the session cap', () => {
  it('closes the session idle longest when a new one would go past it, and says so', async () => {
    const capped = await startGateway({ dyn: nodeServer(fixture('dynamic.mjs')) }, {}, { maxSessions: 3 });
    await waitForState(capped.app, 'dyn', 'ready');
    const open = async () => {
      const response = await fetch(capped.mcpUrl, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'cap', version: '1' } } }),
      });
      await response.text();
      return response.headers.get('mcp-session-id')!;
    };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await open());
      await sleep(20);
    }
    expect(capped.app.gateway.sessionCount).toBe(3);
    const status = async (id: string) => (await fetch(capped.mcpUrl, { method: 'POST', headers: headers(id), body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) })).status;
    expect(await Promise.all(ids.map(status))).toEqual([404, 404, 200, 200, 200]);
    expect(capped.app.store.logs.query({ stream: 'app', text: 'to stay within 3 sessions' })).toHaveLength(2);
  });
});

describe('a notification stream its client does not read', () => {
  it('is closed once it has been blocked for a while, instead of buffering without end', async () => {
    const stalled = await startGateway({ shout: nodeServer(fixture('shout.mjs')) }, {}, { stalledStreamMs: 500 });
    await waitForState(stalled.app, 'shout', 'ready');
    const session = await (async () => {
      const response = await fetch(stalled.mcpUrl, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'deaf', version: '1' } } }),
      });
      await response.text();
      return response.headers.get('mcp-session-id')!;
    })();
    const post = (body: unknown) => fetch(stalled.mcpUrl, { method: 'POST', headers: headers(session), body: JSON.stringify(body) }).then((r) => r.text());
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await post({ jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'debug' } });
    // The stream is opened and never read from.
    const { default: http } = await import('node:http');
    const url = new URL(stalled.mcpUrl);
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { ...headers(session), accept: 'text/event-stream' } }, (response) => {
        response.pause();
        resolve(response);
      }),
    );
    await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'shout__shout', arguments: { count: 1000, size: 20_000 } } });
    // (The paused client would not notice the close until it reads: the gateway's side is what counts.)
    await waitFor(() => stalled.app.store.logs.query({ stream: 'app', text: 'has not read it for' }).length === 1, 'the stalled stream to be closed', 15_000);
    stream.destroy();
  });
});
