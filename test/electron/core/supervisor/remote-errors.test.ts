// A remote server that cannot be reached says why in words, with its URL: refused, not found (404), credentials.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { removeTempDirs } from '../../../helpers/fs.ts';

const servers: http.Server[] = [];
afterAll(async () => {
  await stopCores();
  for (const server of servers) server.close();
  removeTempDirs();
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answering(status: number): Promise<string> {
  const server = http.createServer((_request, response) => response.writeHead(status, { 'content-type': 'text/plain' }).end('no'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

describe('a remote server that cannot be reached', () => {
  it('says the connection was refused, at which URL, for a port nobody listens on; 404 and 401 in words', async () => {
    const refused = `http://127.0.0.1:${await closedPort()}/mcp`;
    const missing = await answering(404);
    const locked = await answering(401);
    const restart = false;
    const { app } = await startCore({ refused: { url: refused, restart }, missing: { url: missing, restart }, locked: { url: locked, restart } });
    const [a, b, c] = await Promise.all(['refused', 'missing', 'locked'].map((name) => waitForState(app, name, ['failed', 'crash-loop'])));
    expect(a!.lastError).toBe(`connection refused at ${refused}: is the server running, on that port?`);
    expect(b!.lastError).toContain(`nothing answers MCP at ${missing} (HTTP 404)`);
    expect(c!.lastError).toContain(`${locked} refused the credentials (HTTP 401)`);
  });
});
