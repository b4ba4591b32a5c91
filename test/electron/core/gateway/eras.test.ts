// A server that speaks only 2026-07-28, behind Switchboard: both eras of client reach it, and what they get is
// Switchboard's answer, not a copy of the server's identity.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways, TEST_TOKEN } from '../../../helpers/gateway.ts';
import { waitFor } from '../../../helpers/wait.ts';

let upstream: ChildProcess;
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  upstream = spawn(process.execPath, [fixture('modern-http.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  upstream.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const url = (await waitFor(() => /listening on (\S+)/.exec(out), 'the modern server to listen'))[1]!;
  gateway = await startGateway({ modern: { url } });
  await waitForState(gateway.app, 'modern', 'ready');
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  upstream.kill('SIGKILL');
  removeTempDirs();
});

/** A raw 2026-07-28 tools/call to the gateway: the result exactly as it goes over the wire. */
async function modernCall(name: string): Promise<Record<string, unknown>> {
  const params = {
    name,
    arguments: {},
    _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' } },
  };
  const response = await fetch(gateway.mcpUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params }),
  });
  const text = await response.text();
  const data = text.includes('data: ') ? text.split('\n').filter((line) => line.startsWith('data: ')).at(-1)!.slice(6) : text;
  return (JSON.parse(data) as { result: Record<string, unknown> }).result;
}

describe('a 2026-07-28-only server behind Switchboard', () => {
  it('is reached by a 2025 client (translated) and a 2026-07-28 client alike', async () => {
    for (const era of ['legacy', 'modern'] as const) {
      const client = await connectClient(gateway.mcpUrl, era);
      expect((await client.callTool({ name: 'modern__whoami', arguments: {} })).content).toEqual([{ type: 'text', text: 'upstream-server' }]);
    }
  });

  it("answers with Switchboard's identity: the server's own stamp is taken off its results", async () => {
    const result = await modernCall('modern__whoami');
    expect(result.content).toEqual([{ type: 'text', text: 'upstream-server' }]);
    expect(result.resultType).toBe('complete');
    expect((result._meta as Record<string, { name?: string }> | undefined)?.['io.modelcontextprotocol/serverInfo']?.name).toBe('mcp-switchboard');
  });
});
