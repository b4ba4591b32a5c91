// The web UI of `serve` over real HTTP: static files, the token-for-cookie exchange, and the contract over a
// WebSocket with its Origin and cookie checks.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Envelope, SocketServerMessage } from '../../../../shared/contract.ts';
import { HttpServer } from '../../../../electron/core/http/http-server.ts';
import { mountWebUi } from '../../../../electron/core/ui/index.ts';
import { fixture, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { nodeServer, startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { waitFor } from '../../../helpers/wait.ts';

let server: HttpServer;
let web: ReturnType<typeof mountWebUi>;
let base: string;
let host: string;
let dataDir: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><div id="root"></div>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app-1234.js'), 'console.log(1)');
  const core = await startCore({ fidelity: nodeServer(fixture('fidelity.mjs')) });
  dataDir = core.dataDir;
  await waitForState(core.app, 'fidelity', 'ready');
  server = new HttpServer(core.app, { host: '127.0.0.1', port: 0, token: 'the-token' });
  web = mountWebUi(core.app, server, { dataDir, token: 'the-token', tokenFromEnv: false, rendererDir, launcher: { command: 'node', args: ['switchboard.js'] } });
  base = (await server.listen()).url;
  host = new URL(base).host;
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  web.dispose();
  await server.close(500);
  await stopCores();
  removeTempDirs();
});

/** A raw request (fetch would follow redirects and hide Set-Cookie). */
function request(pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function signedInCookie(): Promise<string> {
  const response = await request('/?token=the-token');
  return response.headers['set-cookie']![0]!.split(';')[0]!;
}

function connect(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${host}/api/socket`, { headers });
    sockets.push(socket);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

function callOver(socket: WebSocket, id: number, method: string, args?: unknown): Promise<Envelope<unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as SocketServerMessage;
      if (message.type === 'result' && message.id === id) {
        socket.off('message', onMessage);
        resolve(message.result);
      }
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ type: 'call', id, method, args }));
  });
}

describe('the web UI', () => {
  it('serves the renderer build with a strict CSP, and nothing outside it', async () => {
    const index = await request('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('id="root"');
    expect(index.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self';/);
    expect(index.headers['content-security-policy']).toContain(`connect-src 'self' ws://${host}`);
    expect(index.headers['x-frame-options']).toBe('DENY');
    const asset = await request('/assets/app-1234.js');
    expect(asset).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const escape of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json']) {
      expect((await request(escape)).status, escape).toBe(404);
    }
    // The MCP endpoint and /health are still theirs.
    expect((await request('/health')).status).toBe(200);
    expect((await request('/mcp', { method: 'POST' })).status).toBe(401);
  });

  it('exchanges the token in the URL for an http-only SameSite=Strict cookie, and redirects to a clean URL', async () => {
    const good = await request('/?token=the-token');
    expect(good.status).toBe(302);
    expect(good.headers.location).toBe('/');
    expect(good.headers['set-cookie']![0]).toMatch(/^switchboard-ui-\d+=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(good.headers['set-cookie']![0]).not.toContain('the-token');
    const bad = await request('/?token=wrong');
    expect(bad.status).toBe(302);
    expect(bad.headers['set-cookie']).toBeUndefined();

    expect((await request('/api/session')).status).toBe(401);
    expect((await request('/api/session', { headers: { cookie: await signedInCookie() } })).status).toBe(200);
  });

  it('signs in with a typed token only from its own origin', async () => {
    const body = JSON.stringify({ token: 'the-token' });
    expect((await request('/api/session', { method: 'POST', body, headers: { origin: 'http://evil.example', 'content-type': 'application/json' } })).status).toBe(403);
    expect((await request('/api/session', { method: 'POST', body: JSON.stringify({ token: 'nope' }), headers: { origin: `http://${host}` } })).status).toBe(401);
    const ok = await request('/api/session', { method: 'POST', body, headers: { origin: `http://${host}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers['set-cookie']![0]).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('refuses a WebSocket without the cookie, from another origin, or for another host', async () => {
    const cookie = await signedInCookie();
    await expect(connect({ origin: `http://${host}` })).rejects.toThrow('refused: 401');
    await expect(connect({ origin: 'http://evil.example', cookie })).rejects.toThrow('refused: 403');
    await expect(connect({ cookie })).rejects.toThrow('refused: 403');
    await expect(connect({ origin: 'http://evil.example', cookie, host: 'evil.example' })).rejects.toThrow('refused: 403');
  });

  it('carries the contract over the WebSocket: calls with envelopes, and events', async () => {
    const socket = await connect({ origin: `http://${host}`, cookie: await signedInCookie() });
    const events: SocketServerMessage[] = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as SocketServerMessage));
    expect(await callOver(socket, 1, 'servers.list')).toMatchObject({ ok: true, value: [{ name: 'fidelity', state: 'ready' }] });
    expect(await callOver(socket, 2, 'servers.stop', { name: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await callOver(socket, 3, 'nope')).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await callOver(socket, 4, 'servers.restart', { name: 'fidelity' })).toEqual({ ok: true, value: null });
    await waitFor(() => events.some((e) => e.type === 'event' && e.name === 'servers.changed'), 'a servers.changed event');
    expect(web.ui.connectionCount).toBe(1);
    expect(web.api.sessionCount).toBe(1);
    socket.close();
    await waitFor(() => web.api.sessionCount === 0, 'the session to end with the socket');
  });

  it('regenerates the token: /mcp and the sign-in take only the new one', async () => {
    const cookie = await signedInCookie();
    const socket = await connect({ origin: `http://${host}`, cookie });
    const result = (await callOver(socket, 1, 'clients.regenerateToken')) as { ok: true; value: { token: string } };
    const token = result.value.token;
    expect(token).toMatch(/^[\w-]{40,}$/);
    expect(fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim()).toBe(token);
    const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    const mcp = (bearer: string) => request('/mcp', { method: 'POST', body: initialize, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } });
    expect((await mcp('the-token')).status).toBe(401);
    expect((await mcp(token)).status).toBe(200);
    expect((await request('/api/session', { headers: { cookie } })).status).toBe(401);
    expect(web.ui.signInUrl()).toContain(encodeURIComponent(token));
    socket.close();
  });
});
