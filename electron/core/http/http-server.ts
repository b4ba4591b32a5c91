import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { McpEndpoint } from '../gateway/mcp-endpoint.ts';
import type { Switchboard } from '../switchboard.ts';

export interface HttpServerOptions {
  /** Interface to bind. Loopback unless the user says otherwise (a container, say). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The bearer token `/mcp` requires. */
  token: string;
  /** Request bodies beyond this get 413 (default 4 MiB). */
  maxBodyBytes?: number;
  /** A legacy session idle this long, without an open stream, is closed (default 30 minutes). */
  sessionIdleMs?: number;
  /** At most this many legacy sessions (default 2,000). */
  maxSessions?: number;
  /** A notification stream its client does not read for this long is closed (default 30 s). */
  stalledStreamMs?: number;
  /** A token that may read `/metrics` only (a Prometheus scrape job's); the admin token may too. */
  metricsToken?: string;
}

/** A request handler for one path; returns false to fall through. */
export type Route = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => boolean | Promise<boolean>;

/** An upgrade handler (the UI's WebSocket) for one path; returns false to fall through. */
export type UpgradeRoute = (request: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL) => boolean;

/**
 * The app's one HTTP server: `/health`, the MCP endpoint `/mcp` (and the UI). Every request's Host header
 * must name this server (a DNS-rebinding page gets 403).
 */
export class HttpServer {
  private readonly server: http.Server;
  private readonly routes: Route[] = [];
  private readonly upgradeRoutes: UpgradeRoute[] = [];
  private port = 0;
  /** The aggregate MCP endpoint. */
  readonly mcp: McpEndpoint;

  constructor(
    private readonly app: Switchboard,
    private readonly options: HttpServerOptions,
  ) {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 65_000;
    this.server.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head));
    this.routes.push((request, response, url) => this.health(request, response, url));
    this.routes.push((request, response, url) => this.metrics(request, response, url));
    this.mcp = new McpEndpoint(app.gateway, {
      token: options.token,
      clients: app.store.clients,
      maxBodyBytes: options.maxBodyBytes,
      sessionIdleMs: options.sessionIdleMs,
      maxSessions: options.maxSessions,
      stalledStreamMs: options.stalledStreamMs,
      log: (message) => app.log('warn', message),
      recordMessage: (message) => app.store.traces.recordMessage(message),
    });
    this.routes.push(this.mcp.route);
  }

  /** Adds a route before the built-in fallback (404). */
  addRoute(route: Route): void {
    this.routes.push(route);
  }

  /** Adds an upgrade route (upgraded sockets are the route's to close). */
  addUpgradeRoute(route: UpgradeRoute): void {
    this.upgradeRoutes.push(route);
  }

  async listen(): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return { url: this.baseUrl, port: this.port };
  }

  get baseUrl(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${this.port}`;
  }

  /** Stops accepting, ends idle keep-alive connections, waits for open requests up to `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    await this.mcp.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    try {
      if (!this.isAllowedHost(request.headers.host)) {
        sendJson(response, 403, { error: 'forbidden host' });
        return;
      }
      const url = new URL(request.url ?? '/', this.baseUrl);
      for (const route of this.routes) {
        if (await route(request, response, url)) return;
      }
      sendJson(response, 404, { error: `no such path: ${url.pathname}` });
    } catch (error) {
      if (!response.headersSent) sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
      else response.destroy();
    }
  }

  /** The Host check holds for upgrades too; an upgrade no route takes is refused. */
  private upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (!this.isAllowedHost(request.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const url = new URL(request.url ?? '/', this.baseUrl);
    for (const route of this.upgradeRoutes) if (route(request, socket, head, url)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  }

  private isAllowedHost(host: string | undefined): boolean {
    if (host === undefined) return false;
    const bound = this.options.host;
    const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
    if (bound !== '127.0.0.1' && bound !== '::1' && bound !== 'localhost') {
      // Bound beyond loopback on purpose (a container): the operator's own names are not known here.
      return true;
    }
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    if (!match) return false;
    return names.has(match[1]!.toLowerCase()) && (match[2] === undefined || Number(match[2]) === this.port);
  }

  /** `/metrics`: the Prometheus text, for the admin token or the scrape token. */
  private async metrics(request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== '/metrics') return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'use GET' });
      return true;
    }
    const given = bearerOf(request);
    const scrape = this.options.metricsToken;
    const allowed = given !== undefined && (this.mcp.isAdminToken(given) || (scrape !== undefined && scrape !== '' && safeEqual(given, scrape)));
    if (!allowed) {
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="mcp-switchboard"' });
      response.end('Unauthorized: send the Switchboard token, or SWITCHBOARD_METRICS_TOKEN, as "Authorization: Bearer <token>"\n');
      return true;
    }
    const text = await this.app.metrics.text();
    response.writeHead(200, { 'content-type': this.app.metrics.contentType, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : text);
    return true;
  }

  private health(request: http.IncomingMessage, response: http.ServerResponse, url: URL): boolean {
    if (url.pathname !== '/health') return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'use GET' });
      return true;
    }
    sendJson(response, 200, this.app.health());
    return true;
  }
}

/** The token of an `Authorization: Bearer` header. */
function bearerOf(request: http.IncomingMessage): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(request.headers.authorization?.trim() ?? '')?.[1];
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
