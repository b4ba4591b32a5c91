import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer } from '../../../electron/core/http/http-server.ts';
import type { Switchboard } from '../../../electron/core/switchboard.ts';
import { listenOnFirstFreePort, type Listener } from '../../../electron/main/listen.ts';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

// HttpServer reads only health() from the core, and hands its gateway and its clients to the MCP endpoint.
const core = {
  health: () => ({ status: 'empty', version: 'test', uptimeMs: 0, servers: [] }),
  store: { clients: undefined },
  gateway: { setModernNotifier: () => undefined, setBackpressure: () => undefined },
} as unknown as Switchboard;

async function occupiedPort(): Promise<number> {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise((resolve) => blocker.close(resolve)) });
  return (blocker.address() as net.AddressInfo).port;
}

describe('listenOnFirstFreePort', () => {
  it('serves on the usual port when it is free', async () => {
    const free = await occupiedPort();
    await open.pop()!.close();
    const { server, port } = await listenOnFirstFreePort([free, 0], (p) => new HttpServer(core, { host: '127.0.0.1', port: p, token: 'test-token' }));
    open.push(server);
    expect(port).toBe(free);
  });

  it('moves on to any free port when the usual one is taken, and serves /health there', async () => {
    const taken = await occupiedPort();
    const { server, url, port } = await listenOnFirstFreePort([taken, 0], (p) => new HttpServer(core, { host: '127.0.0.1', port: p, token: 'test-token' }));
    open.push(server);
    expect(port).not.toBe(taken);
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'empty' });
  });

  it('gives up with the real error when the failure is not "in use"', async () => {
    const tried: number[] = [];
    const refusing = (port: number): Listener => ({
      listen: async () => {
        tried.push(port);
        throw Object.assign(new Error('listen EACCES: permission denied'), { code: 'EACCES' });
      },
    });
    await expect(listenOnFirstFreePort([80, 0], refusing)).rejects.toThrow('EACCES');
    expect(tried).toEqual([80]);
  });
});
