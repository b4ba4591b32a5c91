// What a misbehaving client or an attacker meets at /mcp, over real HTTP on 127.0.0.1: auth, Origin and Host
// checks, malformed or oversized requests, unknown sessions and methods, id reuse across sessions, and a client
// that hangs up mid-call. After all of it the gateway still serves a normal client.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpServer } from '../../../../electron/core/http/http-server.ts';
import { UPSTREAM_CAPABILITIES } from '../../../../electron/core/switchboard.ts';
import { binOf, fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways, TEST_TOKEN } from '../../../helpers/gateway.ts';
import { waitFor } from '../../../helpers/wait.ts';

const everythingBin = binOf('@modelcontextprotocol/server-everything', 'dist/index.js');
const PROTOCOL_VERSION = '2025-11-25';
const ACCEPT = 'application/json, text/event-stream';
const AUTH = `Bearer ${TEST_TOKEN}`;

let gateway: Awaited<ReturnType<typeof startGateway>>;
let port: number;
/** A second server on its own core whose body limit is small enough to cross. */
let small: { http: HttpServer; mcpUrl: URL };

beforeAll(async () => {
  gateway = await startGateway({
    everything: nodeServer(everythingBin, { args: [everythingBin, 'stdio'] }),
    fidelity: nodeServer(fixture('fidelity.mjs')),
  });
  port = Number(gateway.mcpUrl.port);
  const core = await startCore({}, { clientCapabilities: UPSTREAM_CAPABILITIES });
  const smallHttp = new HttpServer(core.app, { host: '127.0.0.1', port: 0, token: TEST_TOKEN, maxBodyBytes: 1024 });
  const { url } = await smallHttp.listen();
  small = { http: smallHttp, mcpUrl: new URL(`${url}/mcp`) };
  await Promise.all(['everything', 'fidelity'].map((name) => waitForState(gateway.app, name, 'ready')));
});

afterAll(async () => {
  await stopGateways();
  await small?.http.close(500);
  await stopCores();
  removeTempDirs();
});

interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

interface RawReply {
  status: number;
  headers: Headers;
  /** The JSON-RPC messages of the body, whether it came as JSON or as an SSE stream. */
  messages: JsonRpcMessage[];
}

const initializeRequest = (id: number | string = 0): JsonRpcMessage => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw-http', version: '1.0.0' } },
});

/** The JSON-RPC messages in an SSE stream (events without data, like priming events, are skipped). */
function parseSse(text: string): JsonRpcMessage[] {
  const messages: JsonRpcMessage[] = [];
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data.trim() !== '') messages.push(JSON.parse(data) as JsonRpcMessage);
  }
  return messages;
}

/** One raw POST with node's fetch; the headers default to a well-behaved client with the token. */
async function post(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<RawReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: AUTH, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let messages: JsonRpcMessage[] = [];
  if (type.includes('text/event-stream')) messages = parseSse(text);
  else if (text !== '') {
    const parsed = JSON.parse(text) as JsonRpcMessage | JsonRpcMessage[];
    messages = Array.isArray(parsed) ? parsed : [parsed];
  }
  return { status: response.status, headers: response.headers, messages };
}

/** A 2025-era session opened by hand: initialize, then the initialized notification. */
async function openRawSession(url: URL = gateway.mcpUrl): Promise<{ id: string; send: (message: JsonRpcMessage) => Promise<RawReply>; headers: Record<string, string> }> {
  const init = await post(url, initializeRequest());
  expect(init.status).toBe(200);
  const id = init.headers.get('mcp-session-id');
  expect(id).toBeTruthy();
  const headers = { 'mcp-session-id': id!, 'mcp-protocol-version': PROTOCOL_VERSION };
  const initialized = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  expect(initialized.status).toBe(202);
  return { id: id!, headers, send: (message) => post(url, message, headers) };
}

/** A raw request through node's http module, which (unlike fetch) lets us forge the Host header. */
function rawRequest(options: { path: string; method: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: options.path, method: options.method, headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const resultOf = (reply: RawReply, id: number | string) => reply.messages.find((m) => m.id === id && ('result' in m || 'error' in m));
const toolText = (message: JsonRpcMessage | undefined) => ((message?.result?.content ?? []) as { text?: string }[]).map((c) => c.text ?? '').join('');

describe('the bearer token', () => {
  it('is required: no Authorization header gets 401 with a WWW-Authenticate challenge and a JSON-RPC error', async () => {
    const sessionsBefore = gateway.http.mcp.sessionCount;
    const reply = await post(gateway.mcpUrl, initializeRequest(), { authorization: '' });
    expect(reply.status).toBe(401);
    expect(gateway.http.mcp.sessionCount).toBe(sessionsBefore);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(reply.messages).toEqual([{ jsonrpc: '2.0', id: null, error: { code: expect.any(Number), message: expect.stringMatching(/Unauthorized/) } }]);
  });

  it.each([
    ['a wrong token', 'Bearer not-the-token'],
    ['the token with a byte more', `Bearer ${TEST_TOKEN}x`],
    ['a prefix of the token', `Bearer ${TEST_TOKEN.slice(0, -1)}`],
    ['another scheme', `Basic ${Buffer.from(`user:${TEST_TOKEN}`).toString('base64')}`],
    ['the token without a scheme', TEST_TOKEN],
  ])('rejects %s with 401', async (_what, authorization) => {
    const reply = await post(gateway.mcpUrl, initializeRequest(), { authorization });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  });

  it('accepts "Bearer <token>" and opens a session', async () => {
    const reply = await post(gateway.mcpUrl, initializeRequest(1));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('mcp-session-id')).toBeTruthy();
    expect(resultOf(reply, 1)?.result).toMatchObject({ protocolVersion: PROTOCOL_VERSION, serverInfo: { name: 'mcp-switchboard' } });
  });
});

describe('DNS rebinding and cross-origin pages', () => {
  it.each(['https://evil.example', 'http://evil.example:8080', 'http://localhost.evil.example', 'http://127.0.0.1.evil.example', 'null'])(
    'refuses Origin %s with 403, even with the right token',
    async (origin) => {
      const sessionsBefore = gateway.http.mcp.sessionCount;
      const reply = await post(gateway.mcpUrl, initializeRequest(), { origin });
      expect(reply.status).toBe(403);
      expect(gateway.http.mcp.sessionCount).toBe(sessionsBefore);
      expect(reply.messages[0]?.error).toMatchObject({ code: expect.any(Number) });
      expect(reply.headers.get('mcp-session-id')).toBeNull();
    },
  );

  it('accepts a loopback Origin', async () => {
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
      const reply = await post(gateway.mcpUrl, initializeRequest(), { origin });
      expect(reply.status, origin).toBe(200);
    }
  });

  // PORT stands for the gateway's own port (not known when the cases are listed).
  it.each(['evil.example:PORT', 'evil.example', 'localhost.evil.example:PORT', '127.0.0.1:1'])('refuses Host %s with 403 on /mcp and on /health', async (hostTemplate) => {
    const host = hostTemplate.replace('PORT', String(port));
    const mcp = await rawRequest({
      path: '/mcp',
      method: 'POST',
      headers: { host, 'content-type': 'application/json', accept: ACCEPT, authorization: AUTH },
      body: JSON.stringify(initializeRequest()),
    });
    expect(mcp.status).toBe(403);
    expect(mcp.body).not.toContain('mcp-switchboard');
    const health = await rawRequest({ path: '/health', method: 'GET', headers: { host } });
    expect(health.status).toBe(403);
    expect(health.body).not.toContain('everything');
  });

  it('serves /health to the right Host (the 403 above is the Host check, not the route)', async () => {
    const health = await rawRequest({ path: '/health', method: 'GET', headers: { host: `127.0.0.1:${port}` } });
    expect(health.status).toBe(200);
  });
});

describe('malformed requests', () => {
  it('answers a body that is not JSON with 400 and JSON-RPC parse error -32700', async () => {
    const reply = await post(gateway.mcpUrl, '{"jsonrpc":"2.0","id":1,"method":');
    expect(reply.status).toBe(400);
    expect(reply.messages[0]?.error?.code).toBe(-32700);
  });

  it('answers Content-Type text/plain with 415', async () => {
    const reply = await post(gateway.mcpUrl, JSON.stringify(initializeRequest()), { 'content-type': 'text/plain' });
    expect(reply.status).toBe(415);
    expect(reply.messages[0]?.error).toBeDefined();
  });

  it('answers a body over the limit with 413, whether its length is declared or streamed', async () => {
    const big = JSON.stringify({ ...initializeRequest(), params: { ...initializeRequest().params, padding: 'x'.repeat(2048) } });
    const declared = await post(small.mcpUrl, big);
    expect(declared.status).toBe(413);
    // Chunked: no Content-Length, so the limit must hold while reading.
    const chunks = [big.slice(0, 700), big.slice(700, 1400), big.slice(1400)];
    const streamed = await fetch(small.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: AUTH },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await streamed.body?.cancel();
    // A small request still fits.
    expect((await post(small.mcpUrl, initializeRequest())).status).toBe(200);
  });

  it('answers an unknown Mcp-Session-Id with 404, so that the client initializes again', async () => {
    const reply = await post(gateway.mcpUrl, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': PROTOCOL_VERSION });
    expect(reply.status).toBe(404);
    expect(reply.messages[0]?.error).toBeDefined();
  });

  it('answers a 2025-era request without a session (and not initialize) with 400', async () => {
    const reply = await post(gateway.mcpUrl, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(reply.status).toBe(400);
    expect(reply.messages[0]?.error).toBeDefined();
  });

  it('answers a method that does not exist with JSON-RPC "method not found", and the session keeps working', async () => {
    const session = await openRawSession();
    const reply = await session.send({ jsonrpc: '2.0', id: 7, method: 'tools/explode', params: {} });
    expect(reply.status).toBe(200);
    expect(resultOf(reply, 7)?.error?.code).toBe(-32601);
    const list = await session.send({ jsonrpc: '2.0', id: 8, method: 'tools/list', params: {} });
    expect(((resultOf(list, 8)?.result?.tools ?? []) as { name: string }[]).map((t) => t.name)).toContain('everything__echo');
  });

  it('answers PUT with 405 and says which methods are allowed', async () => {
    const response = await fetch(gateway.mcpUrl, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: AUTH }, body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toMatch(/POST/);
    await response.body?.cancel();
  });
});

describe('two clients with the same JSON-RPC ids', () => {
  it('each get their own answers when they call at the same time', async () => {
    const [a, b] = await Promise.all([openRawSession(), openRawSession()]);
    const call = (name: string, args: Record<string, unknown>, id: number) => ({ jsonrpc: '2.0' as const, id, method: 'tools/call', params: { name, arguments: args } });
    // Both sessions use id 1 for a slow call (both in flight upstream at once, finishing in the other order),
    // and id 2 for an echo.
    const [a1, b1, a2, b2] = await Promise.all([
      a.send(call('fidelity__slow', { ms: 600 }, 1)),
      b.send(call('fidelity__slow', { ms: 200 }, 1)),
      a.send(call('everything__echo', { message: 'I am A' }, 2)),
      b.send(call('everything__echo', { message: 'I am B' }, 2)),
    ]);
    expect(toolText(resultOf(a1, 1))).toBe('done after 600 ms');
    expect(toolText(resultOf(b1, 1))).toBe('done after 200 ms');
    expect(toolText(resultOf(a2, 2))).toBe('Echo: I am A');
    expect(toolText(resultOf(b2, 2))).toBe('Echo: I am B');
    // Nothing crossed: each reply carries exactly one answer.
    for (const reply of [a1, b1, a2, b2]) expect(reply.messages.filter((m) => 'result' in m || 'error' in m)).toHaveLength(1);
  });
});

describe('a client that hangs up mid-call', () => {
  // The endpoint keeps no event store, so a closed stream's answer can never be delivered: keep no upstream busy for it.
  it('gets its upstream call cancelled within a few seconds', async () => {
    const session = await openRawSession();
    const cancelledBefore = gateway.app.store.logs.query({ server: 'fidelity', text: 'slow call cancelled' }).length;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'fidelity__slow', arguments: { ms: 20_000 }, _meta: { progressToken: 'p1' } } });
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: '/mcp',
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: AUTH, ...session.headers, 'content-length': Buffer.byteLength(body) },
    });
    // Wait for the first progress event: the call is then running upstream.
    const running = new Promise<void>((resolve, reject) => {
      request.on('response', (response) => {
        if (response.statusCode !== 200 || !/text\/event-stream/.test(response.headers['content-type'] ?? '')) {
          reject(new Error(`expected a 200 SSE response, got ${response.statusCode} ${response.headers['content-type']}`));
          return;
        }
        let seen = '';
        response.on('data', (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          if (seen.includes('notifications/progress')) resolve();
        });
        response.on('error', () => undefined);
      });
      request.on('error', (error) => {
        if (!request.destroyed) reject(error);
      });
    });
    request.end(body);
    await running;
    const hungUpAt = Date.now();
    request.destroy();
    await waitFor(
      () => gateway.app.store.logs.query({ server: 'fidelity', text: 'slow call cancelled' }).length > cancelledBefore,
      'the upstream call to be cancelled after the client hung up',
      5000,
    );
    expect(Date.now() - hungUpAt).toBeLessThan(5000);
  });
});

describe('after all of that', () => {
  it('still lists tools and calls them for a normal client', async () => {
    const client = await connectClient(gateway.mcpUrl, 'legacy');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('everything__echo');
    const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'survived' } });
    expect((result.content as { text?: string }[])[0]?.text).toBe('Echo: survived');
  });
});
