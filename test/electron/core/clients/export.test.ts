import { describe, expect, it } from 'vitest';
import { exportConfig, type ClientId } from '../../../../electron/core/clients/index.ts';
import { parseConfig } from '../../../../electron/core/config/parse.ts';

const gateway = (client: ClientId, pinned = false) =>
  exportConfig({
    client,
    mode: 'gateway',
    endpoint: { url: 'http://127.0.0.1:7780/mcp', token: 'tok-123', pinned },
    launcher: { command: '/opt/node/bin/node', args: ['/opt/switchboard/bin/switchboard.js'] },
    dataDir: '/home/me/.config/MCP Switchboard',
    clientName: client,
  });

const httpGateway = { url: 'http://127.0.0.1:7780/mcp', headers: { Authorization: 'Bearer tok-123' } };

describe('exportConfig in gateway mode', () => {
  it('gives Claude Desktop the stdio bridge acting as its own client, with absolute paths and no token (it reads the data dir\'s)', () => {
    expect(gateway('claude-desktop')).toEqual({
      config: {
        mcpServers: {
          switchboard: {
            command: '/opt/node/bin/node',
            args: ['/opt/switchboard/bin/switchboard.js', 'connect', '--data-dir', '/home/me/.config/MCP Switchboard', '--client', 'claude-desktop'],
          },
        },
      },
      entries: { switchboard: expect.any(Object) },
      warnings: [],
    });
  });

  it('passes an explicitly given URL to the bridge, and the token only where the data dir does not hold it (SWITCHBOARD_TOKEN)', () => {
    const result = exportConfig({
      client: 'claude-desktop',
      mode: 'gateway',
      endpoint: { url: 'http://127.0.0.1:9999/mcp', token: 't', pinned: true },
      launcher: { command: '/Applications/MCP Switchboard.app/Contents/MacOS/MCP Switchboard', args: ['/app/bin/switchboard.js'], env: { ELECTRON_RUN_AS_NODE: '1' } },
      dataDir: '/data',
      clientName: 'desk',
      bridgeToken: 't',
    });
    expect(result.entries.switchboard).toEqual({
      command: '/Applications/MCP Switchboard.app/Contents/MacOS/MCP Switchboard',
      args: ['/app/bin/switchboard.js', 'connect', '--data-dir', '/data', '--client', 'desk', '--url', 'http://127.0.0.1:9999/mcp'],
      env: { SWITCHBOARD_TOKEN: 't', ELECTRON_RUN_AS_NODE: '1' },
    });
  });

  it('writes the URL and bearer header in each HTTP client dialect', () => {
    expect(gateway('cursor').config).toEqual({ mcpServers: { switchboard: httpGateway } });
    expect(gateway('vscode').config).toEqual({ servers: { switchboard: { type: 'http', ...httpGateway } } });
    expect(gateway('claude-code').config).toEqual({ mcpServers: { switchboard: { type: 'http', ...httpGateway } } });
    expect(gateway('windsurf').config).toEqual({ mcpServers: { switchboard: { serverUrl: httpGateway.url, headers: httpGateway.headers } } });
  });
});

const ourConfig = parseConfig(
  JSON.stringify({
    mcpServers: {
      demo: { command: '${switchboard:node}', args: ['${switchboard:resources}/demo-server/server.mjs'] },
      memory: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-memory'],
        env: { MEMORY_FILE_PATH: '${userHome}/memory.jsonl', TOKEN: '${env:MEMORY_TOKEN}' },
        replicas: 2,
      },
      remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:REMOTE_TOKEN}' } },
      legacy: { url: 'https://old.example.com/sse', type: 'sse' },
      old: { command: 'python3', args: ['server.py'], cwd: '/home/me/old', disabled: true },
    },
  }),
  'mcp.json',
);

const direct = (client: ClientId) =>
  exportConfig({
    client,
    mode: 'direct',
    servers: ourConfig.servers.values(),
    variables: { node: { path: '/opt/app/switchboard-node', env: { ELECTRON_RUN_AS_NODE: '1' } }, resources: '/opt/app/resources', dataDir: '/data', home: '/home/me' },
    env: { MEMORY_TOKEN: 'm-secret', REMOTE_TOKEN: 'r-secret' },
  });

const demo = { command: '/opt/app/switchboard-node', args: ['/opt/app/resources/demo-server/server.mjs'], env: { ELECTRON_RUN_AS_NODE: '1' } };
const memory = {
  command: 'npx',
  args: ['-y', '@modelcontextprotocol/server-memory'],
  env: { MEMORY_FILE_PATH: '/home/me/memory.jsonl', TOKEN: 'm-secret' },
};
const remoteHeaders = { Authorization: 'Bearer r-secret' };

describe('exportConfig in direct mode', () => {
  it('writes every enabled server with our variables expanded, and leaves remote ones out for Claude Desktop', () => {
    expect(direct('claude-desktop')).toEqual({
      config: { mcpServers: { demo, memory } },
      entries: { demo, memory },
      warnings: [
        'remote: Claude Desktop cannot reach a remote server (https://mcp.example.com/mcp) from its config file: left out (--mode gateway reaches it through Switchboard)',
        'legacy: Claude Desktop cannot reach a remote server (https://old.example.com/sse) from its config file: left out (--mode gateway reaches it through Switchboard)',
        'old: disabled in Switchboard, left out',
      ],
    });
  });

  it('writes remote servers in each HTTP client dialect, SSE ones typed where the dialect has a type', () => {
    expect(direct('cursor').config).toEqual({
      mcpServers: { demo, memory, remote: { url: 'https://mcp.example.com/mcp', headers: remoteHeaders }, legacy: { url: 'https://old.example.com/sse' } },
    });
    expect(direct('vscode').config).toEqual({
      servers: {
        demo: { type: 'stdio', ...demo },
        memory: { type: 'stdio', ...memory },
        remote: { type: 'http', url: 'https://mcp.example.com/mcp', headers: remoteHeaders },
        legacy: { type: 'sse', url: 'https://old.example.com/sse' },
      },
    });
    expect(direct('claude-code').config).toEqual({
      mcpServers: {
        demo: { type: 'stdio', ...demo },
        memory: { type: 'stdio', ...memory },
        remote: { type: 'http', url: 'https://mcp.example.com/mcp', headers: remoteHeaders },
        legacy: { type: 'sse', url: 'https://old.example.com/sse' },
      },
    });
    expect(direct('windsurf').config).toEqual({
      mcpServers: { demo, memory, remote: { serverUrl: 'https://mcp.example.com/mcp', headers: remoteHeaders }, legacy: { serverUrl: 'https://old.example.com/sse' } },
    });
    expect(direct('windsurf').warnings).toEqual(['old: disabled in Switchboard, left out']);
  });

  it('warns about what the client cannot do: cwd, tool filters, unset variables, secrets', () => {
    const { servers } = parseConfig(
      JSON.stringify({
        mcpServers: {
          py: {
            command: 'uvx',
            args: ['server', '--key', '${env:NOT_SET}'],
            cwd: '${userHome}/proj',
            env: { API_KEY: '${secret:API_KEY}' },
            tools: { deny: ['delete_everything'] },
          },
        },
      }),
      'mcp.json',
    );
    const result = exportConfig({
      client: 'cursor',
      mode: 'direct',
      servers: servers.values(),
      variables: { node: { path: '/n', env: {} }, resources: '/r', dataDir: '/d', home: '/home/me' },
      env: {},
    });
    expect(result.entries).toEqual({ py: { command: 'uvx', args: ['server', '--key', ''], env: { API_KEY: '${secret:API_KEY}' } } });
    expect(result.warnings).toEqual([
      'py: its tools allow/deny list applies only through Switchboard: Cursor will see every tool',
      'py: Cursor has no cwd setting: the server will not start in /home/me/proj',
      'py: args[2] uses ${env:NOT_SET}, which is not set here: written as an empty value',
      'py: env.API_KEY keeps ${secret:API_KEY}, which Cursor cannot resolve: fill it in by hand',
    ]);
  });
});
