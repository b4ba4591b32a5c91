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
