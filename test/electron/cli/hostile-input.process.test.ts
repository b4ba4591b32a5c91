// Input no client or server should send, sent to `switchboard serve` as a process: it answers each with a clear
// error, records nothing it cannot hold, and keeps serving.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, startServe, type ServeProcess } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

const TOKEN = 'hostile-token-0123456789abcdef';
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

let serve: ServeProcess;
let dataDir: string;
let session: string;

async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { id?: unknown; result?: unknown; error?: { code: number; message: string } } }> {
  const response = await fetch(`${serve.base}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
  });
  const text = await response.text();
  // An SSE answer carries the message in its data line.
  const data = text.startsWith('event:') || text.startsWith('id:') ? text.split('\n').find((line) => line.startsWith('data: '))!.slice(6) : text;
  return { status: response.status, json: data === '' ? {} : JSON.parse(data) };
}

const inSession = () => ({ 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
const call = (id: number, name: string, extra = '') => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${name}","arguments":{}${extra}}}`;

beforeAll(async () => {
  const dir = tempDir();
  dataDir = path.join(dir, 'data');
  const config = path.join(dir, 'mcp.json');
  fs.writeFileSync(config, JSON.stringify({ mcpServers: { hostile: { command: process.execPath, args: [fixture('hostile.mjs')], timeoutMs: 60_000 } } }));
  serve = await startServe(['--config', config, '--data-dir', dataDir], { SWITCHBOARD_TOKEN: TOKEN });
  await waitFor(async () => ((await (await fetch(`${serve.base}/health`)).json()) as { status: string }).status === 'ok', 'the hostile server to be ready');
  const response = await fetch(`${serve.base}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'hostile-test', version: '1' } } }),
  });
  session = response.headers.get('mcp-session-id')!;
  await response.text();
  await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), inSession());
});

afterAll(async () => {
  await cleanupServes();
  removeTempDirs();
});

/** Still serving: /health answers and an ordinary call works, after the store had time to write what came before. */
async function stillServing(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(serve.child.exitCode).toBeNull();
  expect((await fetch(`${serve.base}/health`)).status).toBe(200);
  const echo = await post(call(99, 'hostile__echo'), inSession());
  expect(echo.json.result).toMatchObject({ content: [{ type: 'text', text: '{}' }] });
}

describe('switchboard serve given hostile input', () => {
  it('refuses requests nested 10,000 levels deep (in a ping _meta, an initialize, tool arguments) with -32600, and keeps serving', async () => {
    const deepPing = await post(`{"jsonrpc":"2.0","id":2,"method":"ping","params":{"_meta":{"a":${nested(10_000)}}}}`, inSession());
    expect(deepPing).toMatchObject({ status: 400, json: { error: { code: -32600, message: expect.stringContaining('nested more than 512 levels') } } });
    const deepInit = await post(`{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"x":${nested(10_000)}},"clientInfo":{"name":"p","version":"1"}}}`);
    expect(deepInit.json.error?.code).toBe(-32600);
    const deepArgs = await post(`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"hostile__echo","arguments":{"a":${nested(10_000)}}}}`, inSession());
    expect(deepArgs.json.error?.code).toBe(-32600);
    await stillServing();
  });

  it("answers a server's result nested 10,000 levels deep with an error, on the direct path and the streaming one, and keeps serving", async () => {
    const direct = await post(call(5, 'hostile__deep'), inSession());
    expect(direct.json).toMatchObject({ id: 5, error: { code: -32603, message: expect.stringContaining('nested more than 512 levels') } });
    const streaming = await post(call(6, 'hostile__deep', ',"_meta":{"progressToken":"p6"}'), inSession());
    expect(streaming.json).toMatchObject({ id: 6, error: { message: expect.stringContaining('nested more than 512 levels') } });
    await stillServing();
  });

  it('answers JSON that is not JSON-RPC with -32600 Invalid Request, not -32700', async () => {
    for (const body of ['null', '42', '"x"', '[]', '{"jsonrpc":"2.0","id":7,"method":"ping","params":"x"}', '{"id":8,"method":"ping"}']) {
      const answer = await post(body, inSession());
      expect({ body, status: answer.status, code: answer.json.error?.code }).toEqual({ body, status: 400, code: -32600 });
    }
    // A readable id is echoed; JSON that does not parse is still a parse error.
    expect((await post('{"jsonrpc":"2.0","id":7,"method":"ping","params":"x"}', inSession())).json.id).toBe(7);
    expect((await post('{"jsonrpc":', inSession())).json.error?.code).toBe(-32700);
    await stillServing();
  });

  it('refuses an id beyond 2^53 (it would come back changed) and a 1 MB id, and stores no huge id', async () => {
    const big = await post('{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}', inSession());
    expect(big.json.error).toMatchObject({ code: -32600, message: expect.stringContaining('2^53') });
    expect(big.json.id).toBeNull();
    const huge = await post(JSON.stringify({ jsonrpc: '2.0', id: 'i'.repeat(1024 * 1024), method: 'ping' }), inSession());
    expect(huge.json.error).toMatchObject({ code: -32600, message: expect.stringContaining('at most 256') });
    // A 256-character id is fine, and comes back as it was.
    const fine = 'j'.repeat(256);
    expect((await post(JSON.stringify({ jsonrpc: '2.0', id: fine, method: 'ping' }), inSession())).json).toMatchObject({ id: fine, result: {} });
    await stillServing();
    const db = new Database(path.join(dataDir, 'switchboard.db'), { readonly: true });
    try {
      const longest = db.prepare('SELECT MAX(LENGTH(rpc_id)) AS n FROM messages').get() as { n: number };
      expect(longest.n).toBeLessThanOrEqual(256);
    } finally {
      db.close();
    }
  });

  it('answers a result over 64 MB with an error naming its size, at once instead of at the timeout', async () => {
    const started = Date.now();
    const answer = await post(call(10, 'hostile__huge'), inSession());
    expect(answer.json).toMatchObject({ id: 10, error: { message: expect.stringMatching(/response of 65\.0 MB; Switchboard passes on at most 64 MB/) } });
    expect(Date.now() - started).toBeLessThan(30_000);
    await stillServing();
  }, 60_000);
});

describe('switchboard serve killed with -9', () => {
  it('loses at most the traces of the last 100 ms: every call answered before that is in the store', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const config = path.join(dir, 'mcp.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { hostile: { command: process.execPath, args: [fixture('hostile.mjs')] } } }));
    const victim = await startServe(['--config', config, '--data-dir', dataDir], { SWITCHBOARD_TOKEN: TOKEN });
    await waitFor(async () => ((await (await fetch(`${victim.base}/health`)).json()) as { status: string }).status === 'ok', 'ready');
    const request = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${victim.base}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
    const init = await request({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'durable', version: '1' } } });
    await init.text();
    const headers = { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' };
    await (await request({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).text();
    const answeredAt: number[] = [];
    const started = Date.now();
    for (let id = 100; Date.now() - started < 1500; id++) {
      await (await request({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'hostile__echo', arguments: { n: id } } }, headers)).json();
      answeredAt.push(Date.now());
    }
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const db = new Database(path.join(dataDir, 'switchboard.db'), { readonly: true });
    try {
      const stored = (db.prepare("SELECT COUNT(*) AS n FROM spans WHERE is_root = 1 AND method = 'tools/call'").get() as { n: number }).n;
      const answeredBefore = answeredAt.filter((time) => time <= killedAt - 100).length;
      expect(stored).toBeGreaterThanOrEqual(answeredBefore);
      expect(answeredBefore).toBeGreaterThan(50);
    } finally {
      db.close();
    }
  });
});
