// The two clients every path is measured with, behind one small interface:
//   { name, open(), call(tool, args), list(), close() } (the lean ones add rpc(method, params))
// - "sdk": the official SDK client (what real MCP clients feel: its validation, SSE parsing, fetch).
// - "lean": the least a client can do (keep-alive node:http, raw JSON bodies, a hand-rolled SSE reader), so
//   that what remains of a latency is the gateway's own cost.
// Both speak the 2025-era protocol (initialize, then Mcp-Session-Id), which every peer supports.
import http from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { adoptProcess, startProcess, stopProcess } from './procs.mjs';

const CLIENT_INFO = { name: 'switchboard-bench', version: '1.0.0' };
const PROTOCOL_VERSION = '2025-06-18';

/** A JSON-RPC error or a tool result with isError, as an exception the workload counts. */
class CallError extends Error {}

function unwrap(message) {
  if (message.error) throw new CallError(`JSON-RPC error ${message.error.code}: ${message.error.message}`);
  if (message.result?.isError) throw new CallError(`tool error: ${JSON.stringify(message.result.content).slice(0, 200)}`);
  return message.result;
}

/** The SDK client, over stdio (it spawns the server) or Streamable HTTP. */
export function sdkClient(target) {
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  let transport;
  return {
    name: 'sdk',
    async open() {
      transport =
        target.kind === 'stdio'
          ? new StdioClientTransport({ command: target.command, args: target.args, stderr: 'ignore' })
          : new StreamableHTTPClientTransport(new URL(target.url), { requestInit: { headers: target.headers } });
      await client.connect(transport);
      if (target.kind === 'stdio' && transport.pid) adoptProcess(transport.pid);
    },
    async call(name, args) {
      const result = await client.callTool({ name, arguments: args });
      if (result.isError) throw new CallError(`tool error: ${JSON.stringify(result.content).slice(0, 200)}`);
      return result;
    },
    list: () => client.listTools(),
    async close() {
      // DELETE the session: supergateway stops the server process it started for it.
      if (transport?.terminateSession) await transport.terminateSession().catch(() => undefined);
      await client.close().catch(() => undefined);
    },
  };
}

/** The lean client for the target's kind. */
export function leanClient(target, options) {
  return target.kind === 'stdio' ? leanStdioClient(target) : leanHttpClient(target, options);
}

/**
 * Raw JSON-RPC over one child's stdin/stdout, newline-delimited: the floor no gateway can beat.
 * `capabilities` are declared in initialize (servers may offer more tools to a capable client).
 */
export function leanStdioClient(target, { capabilities = {} } = {}) {
  let child;
  let nextId = 1;
  const pending = new Map();
  let buffer = '';
  const request = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  return {
    name: 'lean',
    async open() {
      child = startProcess(target.command, target.args, { name: 'direct stdio server', stdin: 'pipe' });
      child.stderr.resume();
      child.stdout.on('data', (chunk) => {
        buffer += chunk.toString('utf8');
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (!line.trim()) continue;
          const message = JSON.parse(line);
          const waiter = message.id !== undefined && !message.method ? pending.get(message.id) : undefined;
          if (!waiter) continue; // a notification or a server request: the bench declares no capabilities
          pending.delete(message.id);
          try {
            waiter.resolve(unwrap(message));
          } catch (error) {
            waiter.reject(error);
          }
        }
      });
      child.once('exit', () => {
        for (const waiter of pending.values()) waiter.reject(new CallError('server exited'));
        pending.clear();
      });
      await request('initialize', { protocolVersion: PROTOCOL_VERSION, capabilities, clientInfo: CLIENT_INFO });
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    },
    call: (name, args) => request('tools/call', { name, arguments: args }),
    list: () => request('tools/list', {}),
    /** Any request, answered with its result. */
    rpc: request,
    async close() {
      if (!child) return;
      child.stdin.end();
      await stopProcess(child, { graceMs: 2000, orphanWaitMs: 200 });
    },
  };
}

/** One agent per client: keep-alive, as many sockets as requests in flight (a browser-like client would pool). */
function keepAliveAgent() {
  return new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo' });
}

/**
 * Raw Streamable HTTP: POST a JSON body, accept JSON or SSE back, keep the session id from initialize.
 * `options.agent` lets many sessions share one pool (the 1,000-session workload).
 */
export function leanHttpClient(target, { agent: shared } = {}) {
  const agent = shared ?? keepAliveAgent();
  const url = new URL(target.url);
  let nextId = 1;
  let sessionId;
  let protocolVersion = PROTOCOL_VERSION;

  const post = (message) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(message);
      const headers = {
        ...target.headers,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'content-length': Buffer.byteLength(body),
        'mcp-protocol-version': protocolVersion,
      };
      if (sessionId) headers['mcp-session-id'] = sessionId;
      const req = http.request(url, { method: 'POST', agent, headers }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });

  /** The JSON-RPC response with our id, from a JSON body or from the SSE events of the stream. */
  const responseFor = (id, { status, headers, text }) => {
    if (status >= 400 && !text) throw new CallError(`HTTP ${status}`);
    const type = String(headers['content-type'] ?? '');
    const messages = [];
    if (type.startsWith('text/event-stream')) {
      for (const event of text.split(/\r?\n\r?\n/)) {
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line[5] === ' ' ? 6 : 5))
          .join('\n');
        if (data) messages.push(JSON.parse(data));
      }
    } else if (text) {
      const parsed = JSON.parse(text);
      messages.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    }
    const answer = messages.find((message) => message.id === id && !message.method);
    if (!answer) throw new CallError(`HTTP ${status}: no response for id ${id} in ${text.slice(0, 200)}`);
    return answer;
  };

  const request = async (method, params) => {
    const id = nextId++;
    return unwrap(responseFor(id, await post({ jsonrpc: '2.0', id, method, params })));
  };

  return {
    name: 'lean',
    async open() {
      const id = nextId++;
      const reply = await post({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO } });
      const result = unwrap(responseFor(id, reply));
      sessionId = reply.headers['mcp-session-id'];
      protocolVersion = result.protocolVersion;
      const ack = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
      if (ack.status !== 202 && ack.status !== 200) throw new CallError(`notifications/initialized: HTTP ${ack.status}`);
    },
    call: (name, args) => request('tools/call', { name, arguments: args }),
    list: () => request('tools/list', {}),
    rpc: request,
    async close() {
      // DELETE ends the session on the gateway (supergateway stops the child it started for it).
      if (sessionId) {
        await new Promise((resolve) => {
          const req = http.request(url, { method: 'DELETE', agent, headers: { ...target.headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': protocolVersion } }, (response) => {
            response.resume();
            response.on('end', resolve);
          });
          req.on('error', resolve);
          req.end();
        });
      }
      if (!shared) agent.destroy();
    },
  };
}
