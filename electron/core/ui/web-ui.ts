import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SESSION_PATH, SOCKET_PATH, type EventMessage, type SocketServerMessage } from '../../../shared/contract.ts';
import type { ApiService, ApiSession } from '../api/index.ts';
import type { Disposable } from '../base/lifecycle.ts';
import { sendJson, type HttpServer } from '../http/http-server.ts';
import { isSameOrigin, UiAuth } from './auth.ts';
import { securityHeaders, serveStatic } from './static-files.ts';

export interface WebUiOptions {
  /** The renderer build (`dist/renderer`). */
  rendererDir: string;
  /** The current token (it may be regenerated). */
  token: () => string;
  /** Largest message a window may send. */
  maxPayload?: number;
}

/** A socket this far behind on sending is dropped (the window reconnects and refetches). */
const MAX_BUFFERED = 64 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

/**
 * The web UI of `switchboard serve`: the renderer build at `/`, and the contract over a WebSocket on the same
 * port, behind the same token. The token is exchanged once for a cookie (`/?token=...` redirects to `/`);
 * without it the UI asks for the token. Upgrades must come from our own origin.
 */
export class WebUi implements Disposable {
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024, perMessageDeflate: false });
  private readonly connections = new Map<WebSocket, { session: ApiSession; alive: boolean }>();
  private readonly auth: UiAuth;
  private readonly heartbeat: NodeJS.Timeout;
  private disposed = false;

  constructor(
    private readonly http: HttpServer,
    private readonly api: ApiService,
    private readonly options: WebUiOptions,
  ) {
    this.auth = new UiAuth(options.token, () => Number(new URL(http.baseUrl).port));
    http.addRoute((request, response, url) => this.route(request, response, url));
    http.addUpgradeRoute((request, socket, head, url) => this.upgrade(request, socket, head, url));
    this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** The URL that opens the UI already signed in (the token travels once). */
  signInUrl(): string {
    return `${this.http.baseUrl}/?token=${encodeURIComponent(this.options.token())}`;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private async route(request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === SESSION_PATH) {
      await this.session(request, response);
      return true;
    }
    if (url.pathname === '/' && url.searchParams.has('token')) {
      const given = url.searchParams.get('token') ?? '';
      // Signed in or not, the token leaves the address bar at once.
      const good = this.auth.isToken(given);
      // A wrong one is said on the sign-in page (it may be an old link from before the token was regenerated).
      const headers: Record<string, string> = { location: good ? '/' : '/?signin=refused', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
      if (good) headers['set-cookie'] = this.auth.signInCookie();
      response.writeHead(302, headers);
      response.end();
      return true;
    }
    return serveStatic(this.options.rendererDir, request, response, url);
  }

  /** GET: 200 when the cookie is good, 401 when the UI must ask for the token. POST `{ token }`: sign in. */
  private async session(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (request.method === 'GET') {
      const signedIn = this.auth.isSignedIn(request);
      sendJson(response, signedIn ? 200 : 401, { signedIn });
      return;
    }
    if (request.method !== 'POST') {
      sendJson(response, 405, { error: 'use GET or POST' });
      return;
    }
    if (!isSameOrigin(request)) {
      sendJson(response, 403, { error: 'forbidden origin' });
      return;
    }
    const body = await readSmallBody(request, 4096);
    let token: unknown;
    try {
      token = (JSON.parse(body ?? '') as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !this.auth.isToken(token.trim())) {
      sendJson(response, 401, { signedIn: false, error: 'that is not the token of this Switchboard' });
      return;
    }
    const text = JSON.stringify({ signedIn: true });
    response.writeHead(200, { ...securityHeaders(request.headers.host), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'set-cookie': this.auth.signInCookie() });
    response.end(text);
  }

  private upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    if (url.pathname !== SOCKET_PATH) return false;
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (this.disposed) refuse('503 Service Unavailable');
    // A page of another origin must not drive the app through the person's cookie.
    else if (!isSameOrigin(request)) refuse('403 Forbidden');
    else if (!this.auth.isSignedIn(request)) refuse('401 Unauthorized');
    else this.sockets.handleUpgrade(request, socket, head, (ws) => this.connect(ws));
    return true;
  }

  private connect(ws: WebSocket): void {
    const send = (message: SocketServerMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(message));
    };
    const session = this.api.openSession((event: EventMessage) => send({ type: 'event', ...event }));
    const entry = { session, alive: true };
    this.connections.set(ws, entry);
    ws.on('pong', () => (entry.alive = true));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: { type?: unknown; id?: unknown; method?: unknown; args?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        ws.close(1007, 'not JSON');
        return;
      }
      if (message.type !== 'call' || typeof message.id !== 'number') return;
      const id = message.id;
      void session.dispatch(message.method, message.args).then((result) => send({ type: 'result', id, result }));
    });
    ws.on('close', () => {
      this.connections.delete(ws);
      session.dispose();
    });
    ws.on('error', () => ws.terminate());
  }

  private ping(): void {
    for (const [ws, entry] of this.connections) {
      if (!entry.alive) {
        ws.terminate();
        continue;
      }
      entry.alive = false;
      ws.ping();
    }
  }

  /** Closes every window's socket (their sessions end) before the HTTP server closes. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.heartbeat);
    for (const [ws, entry] of this.connections) {
      entry.session.dispose();
      ws.terminate();
    }
    this.connections.clear();
    this.sockets.close();
  }
}

async function readSmallBody(request: http.IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
