import crypto from 'node:crypto';
import type http from 'node:http';
import { localhostOriginValidation, NodeStreamableHTTPServerTransport, toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import { createMcpHandler, isInitializeRequest, isJsonContentType, isLegacyRequest, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { Disposable } from '../base/lifecycle.ts';
import type { ClientRegistry } from '../store/clients.ts';
import type { NewMessage } from '../store/traces.ts';
import type { Gateway } from './gateway.ts';
import { checkClientMessage } from './entry/wire-check.ts';
import { ADMIN_IDENTITY, type Identity } from './pipeline/context.ts';
import { RecordingTransport } from './tracing.ts';

export interface McpEndpointOptions {
  /** The admin's bearer token (the data dir's): the window, the CLI, the stdio bridge. */
  token: string;
  /** The clients with tokens of their own, each seeing what its profile lets it. */
  clients?: ClientRegistry;
  /** Larger request bodies get 413. */
  maxBodyBytes?: number;
  /** A legacy session with no request for this long, and no open stream, is closed. */
  sessionIdleMs?: number;
  /** At most this many legacy sessions: a new one evicts the longest idle (default 2,000). */
  maxSessions?: number;
  /** A notification stream the client has not read for this long is closed, so what waits for it is freed (default 30 s). */
  stalledStreamMs?: number;
  /** Says something worth a log line (an eviction, a stalled stream closed). */
  log?: (message: string) => void;
  /** Records every message of every legacy session. */
  recordMessage?: (message: NewMessage) => void;
}

interface LegacySession {
  readonly transport: NodeStreamableHTTPServerTransport;
  /** The client that opened it (only its requests may use it), with its profile as of its last request. */
  identity: Identity;
  lastSeen: number;
  openStreams: number;
  /** The open notification stream (GET), to see whether its client keeps up. */
  stream?: http.ServerResponse;
  /** Direct tools/call requests in flight, by JSON-RPC id, so that a cancellation can reach them. */
  readonly direct: Map<string | number, AbortController>;
}

const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/** The header with which the admin's token acts as one client (what the stdio bridge sends for its client). */
export const ACT_AS_HEADER = 'x-switchboard-client';

/** The outcome of checking a request's token. */
type Authentication = { identity: Identity } | { refused: string };

/**
 * `/mcp`: Streamable HTTP for both protocol eras on one path. 2025-era clients (initialize, then
 * `Mcp-Session-Id`) get a stateful session with its own `Server`, so notifications reach them on the GET
 * stream; 2026-07-28 clients are served statelessly, one `Server` per request. Every request needs the
 * bearer token; a browser page from another origin gets 403.
 */
export class McpEndpoint implements Disposable {
  private readonly sessions = new Map<string, LegacySession>();
  private readonly modern: McpHttpHandler;
  private readonly modernNode: ReturnType<typeof toNodeHandler>;
  private readonly validateOrigin = localhostOriginValidation();
  private token: Buffer;
  private readonly maxBodyBytes: number;
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly gateway: Gateway,
    private readonly options: McpEndpointOptions,
  ) {
    this.token = Buffer.from(options.token);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.modern = createMcpHandler(() => gateway.createServer('modern'), { legacy: 'reject', maxRequestBodySize: this.maxBodyBytes });
    this.modernNode = toNodeHandler(this.modern, { maxRequestBodySize: this.maxBodyBytes });
    gateway.setModernNotifier(this.modern.notify);
    // A session whose client does not read its stream is not sent more notifications until it does.
    gateway.setBackpressure((id) => this.sessions.get(id)?.stream?.writableNeedDrain === true);
    const idleMs = options.sessionIdleMs ?? 30 * 60_000;
    this.sweepTimer = setInterval(() => this.closeIdleSessions(idleMs), Math.min(idleMs, 60_000));
    this.sweepTimer.unref();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** A regenerated token: requests must carry it from now on (open sessions keep working until they end). */
  setToken(token: string): void {
    this.token = Buffer.from(token);
  }

  /** The HTTP route: handles `/mcp` and returns true, or returns false for other paths. */
  readonly route = async (request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== '/mcp') return false;
    // DNS rebinding: a page on another origin must not reach the endpoint (the Host is checked for every path).
    if (!this.validateOrigin(request, response)) return true;
    const authentication = this.authenticate(request);
    if ('refused' in authentication) {
      response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="mcp-switchboard"' });
      response.end(jsonRpcError(-32001, authentication.refused));
      return true;
    }
    // The SDK hands `request.auth` to every handler as `ctx.http.authInfo`: the identity travels with the request.
    (request as http.IncomingMessage & { auth?: unknown }).auth = { token: '', clientId: authentication.identity.client, scopes: [], extra: { identity: authentication.identity } };
    await this.handle(request, response, authentication.identity);
    return true;
  };

  private async handle(request: http.IncomingMessage, response: http.ServerResponse, identity: Identity): Promise<void> {
    let body: unknown;
    if (request.method === 'POST') {
      if (!isJsonContentType(request.headers['content-type'] ?? null)) {
        return sendError(response, 415, -32000, 'Unsupported Media Type: send Content-Type: application/json');
      }
      const read = await readBody(request, this.maxBodyBytes);
      if (read === 'too-large') return sendError(response, 413, -32000, `Request body larger than ${this.maxBodyBytes} bytes`);
      try {
        body = JSON.parse(read);
      } catch {
        return sendError(response, 400, -32700, 'Parse error: the body is not valid JSON');
      }
      const problem = checkClientMessage(read, body);
      if (problem) return sendError(response, 400, problem.code, problem.message, problem.id);
    } else if (request.method !== 'GET' && request.method !== 'DELETE') {
      response.writeHead(405, { allow: 'GET, POST, DELETE', 'content-type': 'application/json' });
      response.end(jsonRpcError(-32000, 'Method not allowed'));
      return;
    }

    const sessionId = headerValue(request.headers['mcp-session-id']);
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId);
      // An unknown session (expired, or from before a restart): 404 tells the client to initialize again.
      if (!session) return sendError(response, 404, -32001, 'Session not found: initialize a new session');
      // Another client's session is not this one's to use (it would see that client's view).
      if (session.identity.client !== identity.client) return sendError(response, 404, -32001, 'Session not found: initialize a new session');
      // A profile edited since the session began counts from this request (its notifications too).
      if (session.identity.profile !== identity.profile) {
        session.identity = identity;
        this.gateway.sessions.setIdentity(sessionId, identity);
      }
      session.lastSeen = Date.now();
      return this.serveSession(session, request, response, body);
    }
    if (request.method === 'POST' && isInitializeRequest(body)) return this.startSession(request, response, body, identity);
    if (request.method === 'POST' && !(await isLegacyRequest(await toWebRequest(request, body), body))) {
      await this.modernNode(request, response, body);
      return;
    }
    return sendError(response, 400, -32000, 'Bad Request: no Mcp-Session-Id header (a 2025-era client must send initialize first)');
  }

  private async startSession(request: http.IncomingMessage, response: http.ServerResponse, body: unknown, identity: Identity): Promise<void> {
    const server = this.gateway.createServer('legacy', identity);
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, identity, lastSeen: Date.now(), openStreams: 0, direct: new Map() });
        this.gateway.openSession(id, server, identity);
      },
      onsessionclosed: (id) => this.forget(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) this.forget(transport.sessionId);
    };
    this.makeRoom();
    const record = this.options.recordMessage;
    await server.connect(record ? new RecordingTransport(transport, { hop: 'client', session: null, server: null }, record) : transport);
    await transport.handleRequest(request, response, body);
  }

  private async serveSession(session: LegacySession, request: http.IncomingMessage, response: http.ServerResponse, body: unknown): Promise<void> {
    // A GET holds the session's notification stream open: the session is alive while it lasts.
    if (request.method === 'GET') {
      session.openStreams++;
      session.stream = response;
      response.once('close', () => {
        session.openStreams--;
        session.lastSeen = Date.now();
        if (session.stream === response) session.stream = undefined;
      });
      this.watchStream(session, response);
    }
    if (request.method === 'POST') {
      const call = asDirectToolCall(body, request.headers.accept);
      if (call) return this.callDirect(session, call, response);
      cancelDirectCalls(session, body);
      this.cancelOnHangUp(session, response, body);
    }
    await session.transport.handleRequest(request, response, body);
  }

  /**
   * The hot path: a plain tools/call on a session is answered as one JSON body by the gateway itself, not
   * through the SDK transport's per-request stream (the profile put that at a large share of the cost).
   * Calls with a progress token take the SDK path, which streams progress.
   */
  private async callDirect(session: LegacySession, call: DirectToolCall, response: http.ServerResponse): Promise<void> {
    const abort = new AbortController();
    session.direct.set(call.id, abort);
    // A client that hangs up will never read the answer: its call is cancelled upstream.
    response.once('close', () => {
      if (!response.writableFinished) abort.abort(new Error('the client disconnected'));
    });
    try {
      const answer = await this.gateway.callToolDirect(session.transport.sessionId!, call, abort.signal);
      if (response.destroyed) return;
      const text = serializeAnswer(answer);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    } finally {
      session.direct.delete(call.id);
    }
  }

  /**
   * A client that hangs up before its answer arrives will never get it (there is no event store to resume
   * from), so its requests are cancelled, and the upstream calls with them, instead of running to the end.
   */
  private cancelOnHangUp(session: LegacySession, response: http.ServerResponse, body: unknown): void {
    const ids = (Array.isArray(body) ? body : [body])
      .filter((message): message is { id: string | number; method: string } => typeof message === 'object' && message !== null && 'method' in message && 'id' in message)
      .map((message) => message.id);
    if (ids.length === 0) return;
    response.once('close', () => {
      if (response.writableFinished) return;
      for (const requestId of ids) {
        session.transport.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'the client disconnected' } });
      }
    });
  }

  /** Below the cap, nothing; at it, the session idle the longest goes (its client re-initializes if it comes back). */
  private makeRoom(): void {
    const max = this.options.maxSessions ?? 2000;
    while (this.sessions.size >= max) {
      let oldest: [string, LegacySession] | undefined;
      for (const entry of this.sessions) if (!oldest || entry[1].lastSeen < oldest[1].lastSeen) oldest = entry;
      if (!oldest) return;
      const [id, session] = oldest;
      this.forget(id);
      void session.transport.close().catch(() => undefined);
      this.options.log?.(`closed the session idle longest (${Math.round((Date.now() - session.lastSeen) / 1000)} s) to stay within ${max} sessions`);
    }
  }

  /**
   * A client that opened its notification stream and stopped reading it would make the gateway buffer every
   * notification for it without end: a stream that cannot take a write for `stalledStreamMs` is closed (a client
   * that reads reconnects, and lists again on list_changed).
   */
  private watchStream(session: LegacySession, response: http.ServerResponse): void {
    const limit = this.options.stalledStreamMs ?? 30_000;
    let blockedSince: number | undefined;
    const timer = setInterval(() => {
      if (response.destroyed) return clearInterval(timer);
      if (!response.writableNeedDrain) {
        blockedSince = undefined;
        return;
      }
      blockedSince ??= Date.now();
      if (Date.now() - blockedSince < limit) return;
      clearInterval(timer);
      this.options.log?.(`closed the notification stream of session ${session.transport.sessionId}: its client has not read it for ${Math.round(limit / 1000)} s`);
      response.destroy();
    }, Math.min(1000, limit));
    timer.unref();
    response.once('close', () => clearInterval(timer));
  }

  private forget(id: string): void {
    if (!this.sessions.delete(id)) return;
    this.gateway.closeSession(id);
  }

  private closeIdleSessions(idleMs: number): void {
    const cutoff = Date.now() - idleMs;
    for (const [id, session] of this.sessions) {
      if (session.openStreams === 0 && session.lastSeen < cutoff) {
        this.forget(id);
        void session.transport.close().catch(() => undefined);
      }
    }
  }

  /**
   * Who sent the request: the admin (the data dir's token), the admin acting as a client (that token and the
   * client's name in `x-switchboard-client`: the stdio bridge, which reads the token at start, so a client's token
   * rotation never breaks it), or a client by its own token. Checked on every request: a revocation counts from the
   * client's next one.
   */
  private authenticate(request: http.IncomingMessage): Authentication {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) return { refused: 'Unauthorized: send the Switchboard token as "Authorization: Bearer <token>"' };
    const given = match[1]!;
    const actAs = headerValue(request.headers[ACT_AS_HEADER]);
    if (this.isAdminToken(given)) {
      if (actAs === undefined) return { identity: ADMIN_IDENTITY };
      const owner = this.options.clients?.ownerByName(actAs);
      if (owner?.kind === 'client') return { identity: { client: owner.client.name, admin: false, profile: owner.client.profile } };
      if (owner?.kind === 'revoked') return { refused: `Unauthorized: the client "${actAs}" was revoked in Switchboard` };
      return { refused: `Unauthorized: Switchboard has no client named "${actAs}" (\`switchboard clients add ${actAs}\` makes one)` };
    }
    const owner = this.options.clients?.owner(given);
    if (owner?.kind === 'client') return { identity: { client: owner.client.name, admin: false, profile: owner.client.profile } };
    if (owner?.kind === 'revoked') return { refused: `Unauthorized: this token of the client "${owner.client.name}" was revoked in Switchboard` };
    if (given.startsWith('sbc_')) return { refused: 'Unauthorized: Switchboard knows no client with this token (a rotated token stops working: export the client again, or see `switchboard clients list`)' };
    return { refused: 'Unauthorized: send the Switchboard token as "Authorization: Bearer <token>"' };
  }

  /** True for the admin's token (timing-safe); other routes (`/metrics`) accept it too. */
  isAdminToken(given: string): boolean {
    const bytes = Buffer.from(given);
    return bytes.length === this.token.length && crypto.timingSafeEqual(bytes, this.token);
  }

  /** Closes every session and the modern leg (open notification streams end). */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    const sessions = [...this.sessions.entries()];
    for (const [id] of sessions) this.forget(id);
    await Promise.all(sessions.map(([, session]) => session.transport.close().catch(() => undefined)));
    await this.modern.close();
  }

  dispose(): void {
    void this.close();
  }
}

interface DirectToolCall {
  id: string | number;
  params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> };
}

/** A single tools/call request without a progress token, from a client that accepts a JSON answer. */
function asDirectToolCall(body: unknown, accept: string | undefined): DirectToolCall | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const message = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  if (message.jsonrpc !== '2.0' || message.method !== 'tools/call' || (typeof message.id !== 'string' && typeof message.id !== 'number')) return undefined;
  const params = message.params as { name?: unknown; arguments?: unknown; _meta?: Record<string, unknown> } | undefined;
  if (typeof params?.name !== 'string') return undefined;
  if (params.arguments !== undefined && (typeof params.arguments !== 'object' || params.arguments === null || Array.isArray(params.arguments))) return undefined;
  if (params._meta !== undefined && (typeof params._meta !== 'object' || params._meta === null || 'progressToken' in params._meta)) return undefined;
  if (!accept?.includes('application/json')) return undefined;
  return { id: message.id, params: params as DirectToolCall['params'] };
}

/** notifications/cancelled for direct calls: the SDK transport never saw them, so they are aborted here. */
function cancelDirectCalls(session: LegacySession, body: unknown): void {
  if (session.direct.size === 0) return;
  for (const message of Array.isArray(body) ? body : [body]) {
    const value = message as { method?: unknown; params?: { requestId?: string | number } };
    if (value?.method === 'notifications/cancelled' && value.params?.requestId !== undefined) {
      session.direct.get(value.params.requestId)?.abort(new Error('cancelled by the client'));
    }
  }
}

/** The answer as JSON; one that cannot be written (a result nested too deep for JSON.stringify) becomes an error. */
function serializeAnswer(answer: { id: string | number }): string {
  try {
    return JSON.stringify(answer);
  } catch (error) {
    const message = `Switchboard could not pass the result on: ${error instanceof Error ? error.message : String(error)}`;
    return JSON.stringify({ jsonrpc: '2.0', id: answer.id, error: { code: -32603, message } });
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function jsonRpcError(code: number, message: string, id: string | number | null = null): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id });
}

function sendError(response: http.ServerResponse, status: number, code: number, message: string, id: string | number | null = null): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(jsonRpcError(code, message, id));
}

/** Reads the body up to `limit` bytes; past it, stops reading and says so. */
async function readBody(request: http.IncomingMessage, limit: number): Promise<string | 'too-large'> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.resume();
      return 'too-large';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
