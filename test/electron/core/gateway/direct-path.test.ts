// A plain tools/call on a 2025-era session is answered by the gateway itself as one JSON body; a call
// with a progress token is streamed (SSE) by the SDK path. Clients accept both; this pins which is used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { startGateway, stopGateways, TEST_TOKEN } from '../../../helpers/gateway.ts';

let gateway: Awaited<ReturnType<typeof startGateway>>;
let session: string;
const headers = () => ({ authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });

beforeAll(async () => {
  gateway = await startGateway({ fidelity: nodeServer(fixture('fidelity.mjs')) });
  await waitForState(gateway.app, 'fidelity', 'ready');
  const init = await fetch(gateway.mcpUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  session = init.headers.get('mcp-session-id')!;
  await init.text();
  await fetch(gateway.mcpUrl, { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

describe('the direct path', () => {
  it('answers a plain tools/call with one JSON body, traced like any call', async () => {
    const response = await fetch(gateway.mcpUrl, { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 41, method: 'tools/call', params: { name: 'fidelity__fail', arguments: {} } }) });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 41, result: { content: [{ type: 'text', text: 'it went wrong on purpose' }], isError: true } });
    const [trace] = gateway.app.store.traces.queryTraces({ session, tool: 'fail' });
    expect(trace).toMatchObject({ status: 'tool-error', rpcId: '41', server: 'fidelity' });
    const { messages } = gateway.app.store.traces.getTrace(trace!.traceId);
    expect(messages.map((m) => `${m.hop}:${m.direction}`)).toEqual(['client:in', 'server:out', 'server:in', 'client:out']);
  });

  it('answers an unknown tool with a JSON-RPC error', async () => {
    const response = await fetch(gateway.mcpUrl, { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 'x', method: 'tools/call', params: { name: 'nope', arguments: {} } }) });
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 'x', error: { code: -32602, message: 'Unknown tool: nope' } });
  });

  it('streams a call that asks for progress', async () => {
    const response = await fetch(gateway.mcpUrl, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'fidelity__slow', arguments: { ms: 120 }, _meta: { progressToken: 'p1' } } }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(text).toContain('"progressToken":"p1"');
    expect(text).toContain('done after 120 ms');
  });

  it('cancels a direct call when the client sends notifications/cancelled', async () => {
    const call = fetch(gateway.mcpUrl, { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 43, method: 'tools/call', params: { name: 'fidelity__slow', arguments: { ms: 20_000 } } }) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fetch(gateway.mcpUrl, { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 43, reason: 'test' } }) });
    const answer = (await (await call).json()) as { error?: { message: string }; result?: unknown };
    expect(answer.result ?? answer.error).toBeDefined();
    const logs = () => gateway.app.store.logs.query({ server: 'fidelity', text: 'slow call cancelled' });
    for (let i = 0; i < 50 && logs().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs().length).toBeGreaterThan(0);
  });
});
