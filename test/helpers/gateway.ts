import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from '@modelcontextprotocol/client';
import { HttpServer } from '../../electron/core/http/http-server.ts';
import { UPSTREAM_CAPABILITIES, type SwitchboardOptions } from '../../electron/core/switchboard.ts';
import { startCore } from './core.ts';

const servers = new Set<HttpServer>();
const clients = new Set<Client>();

export const TEST_TOKEN = 'test-token-0123456789';

/** A core with the gateway served over HTTP on a free loopback port. Stopped by `stopGateways` (before `stopCores`). */
export async function startGateway(config: Record<string, unknown>, options: Partial<SwitchboardOptions> = {}, httpOptions: { sessionIdleMs?: number; maxSessions?: number; stalledStreamMs?: number } = {}) {
  const core = await startCore(config, { clientCapabilities: UPSTREAM_CAPABILITIES, ...options });
  const http = new HttpServer(core.app, { host: '127.0.0.1', port: 0, token: TEST_TOKEN, ...httpOptions });
  servers.add(http);
  const { url } = await http.listen();
  return { ...core, http, base: url, mcpUrl: new URL(`${url}/mcp`) };
}

export type Era = 'legacy' | 'modern';

/** An SDK client of one protocol era, connected to the gateway with the token. */
export async function connectClient(
  mcpUrl: URL,
  era: Era,
  options: { capabilities?: ClientCapabilities; token?: string; setup?: (client: Client) => void; name?: string } = {},
): Promise<Client> {
  const client = new Client(
    { name: options.name ?? `test-${era}`, version: '1.0.0' },
    { capabilities: options.capabilities ?? {}, ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}) },
  );
  options.setup?.(client);
  const transport = new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${options.token ?? TEST_TOKEN}` } } });
  await client.connect(transport);
  clients.add(client);
  return client;
}

export async function stopGateways(): Promise<void> {
  await Promise.all([...clients].map((client) => client.close().catch(() => undefined)));
  clients.clear();
  await Promise.all([...servers].map((server) => server.close(500)));
  servers.clear();
}
