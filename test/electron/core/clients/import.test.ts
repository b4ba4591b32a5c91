import { describe, expect, it } from 'vitest';
import { ClientFileError, exportConfig, importConfig, type ClientId } from '../../../../electron/core/clients/index.ts';
import { parseConfig } from '../../../../electron/core/config/parse.ts';

describe('importConfig', () => {
  it('reads a Claude Desktop file as it is', () => {
    const text = JSON.stringify({
      mcpServers: {
        memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: { MEMORY_FILE_PATH: '/Users/me/memory.jsonl' } },
        fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'] },
      },
      globalShortcut: 'Ctrl+Space',
    });
    expect(importConfig(text, '/Users/me/Library/Application Support/Claude/claude_desktop_config.json')).toEqual({
      dialect: 'claude-desktop',
      servers: {
        memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: { MEMORY_FILE_PATH: '/Users/me/memory.jsonl' } },
        fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'] },
      },
      warnings: [],
    });
  });

  it('reads a Cursor file: remote servers, ${env:NAME} and ${userHome} kept, an unknown variable kept with a warning', () => {
    const text = JSON.stringify({
      mcpServers: {
        linear: { url: 'https://mcp.linear.app/mcp', headers: { Authorization: 'Bearer ${env:LINEAR_TOKEN}' } },
        notes: { type: 'stdio', command: 'node', args: ['${userHome}/notes/server.js', '${workspaceFolder}'], env: {} },
      },
    });
    expect(importConfig(text, '/home/me/.cursor/mcp.json')).toEqual({
      dialect: 'cursor',
      servers: {
        linear: { url: 'https://mcp.linear.app/mcp', headers: { Authorization: 'Bearer ${env:LINEAR_TOKEN}' } },
        notes: { command: 'node', args: ['${userHome}/notes/server.js', '${workspaceFolder}'], env: {} },
      },
      warnings: ['notes: args[1] uses ${workspaceFolder}, which Switchboard does not know: kept as is'],
    });
  });

  it('reads VS Code JSONC (comments, trailing commas, servers + type), keeping ${input:...} with a warning', () => {
    const text = `// VS Code user MCP servers
{
  "inputs": [{ "type": "promptString", "id": "gh-token", "password": true },],
  "servers": {
    /* the GitHub one */
    "github": {
      "type": "stdio",
      "command": "docker",
      "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server",], // trailing comma
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "\${input:gh-token}" },
      "envFile": "\${workspaceFolder}/.env",
    },
    "context7": { "type": "http", "url": "https://mcp.context7.com/mcp" },
  },
}
`;
    expect(importConfig(text, '/home/me/.config/Code/User/mcp.json')).toEqual({
      dialect: 'vscode',
      servers: {
        github: { command: 'docker', args: ['run', '-i', '--rm', 'ghcr.io/github/github-mcp-server'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${input:gh-token}' } },
        context7: { type: 'http', url: 'https://mcp.context7.com/mcp' },
      },
      warnings: [
        'github: env.GITHUB_PERSONAL_ACCESS_TOKEN uses ${input:gh-token}, a VS Code input Switchboard cannot ask for: kept as is, set the value by hand',
        'github: ignored envFile (Switchboard has no such setting)',
      ],
    });
  });

  it("reads Windsurf's serverUrl as a url", () => {
    const text = JSON.stringify({ mcpServers: { remote: { serverUrl: 'https://example.com/mcp', headers: { 'X-Key': '${env:KEY}' } }, off: { command: 'x', disabled: true } } });
    expect(importConfig(text, '/home/me/.codeium/windsurf/mcp_config.json')).toEqual({
      dialect: 'windsurf',
      servers: { remote: { url: 'https://example.com/mcp', headers: { 'X-Key': '${env:KEY}' } }, off: { command: 'x', disabled: true } },
      warnings: [],
    });
  });

  it("reads ~/.claude.json: ${VAR} becomes ${env:VAR}, defaults stay with a warning, project servers are mentioned", () => {
    const text = JSON.stringify({
      numStartups: 42,
      mcpServers: {
        sentry: { type: 'http', url: 'https://mcp.sentry.dev/mcp', headers: { Authorization: 'Bearer ${SENTRY_TOKEN}' } },
        events: { type: 'sse', url: 'https://events.example.com/sse' },
        db: { type: 'stdio', command: 'npx', args: ['-y', 'db-mcp', '--url', '${DB_URL:-postgres://localhost/dev}'], env: { HOME_DIR: '${HOME}' } },
      },
      projects: {
        '/home/me/work/api': { allowedTools: [], mcpServers: { 'api-local': { command: 'node', args: ['mcp.js'] }, 'api-docs': { url: 'http://localhost:4000/mcp' } } },
        '/home/me/work/empty': { mcpServers: {} },
      },
    });
    expect(importConfig(text, '/home/me/.claude.json')).toEqual({
      dialect: 'claude-code',
      servers: {
        sentry: { type: 'http', url: 'https://mcp.sentry.dev/mcp', headers: { Authorization: 'Bearer ${env:SENTRY_TOKEN}' } },
        events: { type: 'sse', url: 'https://events.example.com/sse' },
        db: { command: 'npx', args: ['-y', 'db-mcp', '--url', '${DB_URL:-postgres://localhost/dev}'], env: { HOME_DIR: '${env:HOME}' } },
      },
      warnings: [
        'db: args[3] uses ${DB_URL:-postgres://localhost/dev}: defaults are not supported, kept as is; use ${env:NAME} or a value',
        'project /home/me/work/api has servers of its own (api-local, api-docs): not imported, only the user-level mcpServers are',
      ],
    });
  });

  it('skips the Switchboard entry of a client that already points at us, so an import does not loop', () => {
    const text = JSON.stringify({
      mcpServers: {
        switchboard: { command: '/usr/bin/node', args: ['/opt/switchboard/bin/switchboard.js', 'connect', '--data-dir', '/data'], env: { SWITCHBOARD_TOKEN: 't' } },
        'gateway-http': { url: 'http://localhost:7780/mcp/', headers: { Authorization: 'Bearer t' } },
        'app-bridge': { command: '/Applications/MCP Switchboard.app/Contents/MacOS/MCP Switchboard', args: ['connect'] },
        other: { url: 'http://127.0.0.1:9000/mcp' },
        connector: { command: 'my-tool', args: ['connect'] },
      },
    });
    const result = importConfig(text, 'claude_desktop_config.json', { ownUrls: ['http://127.0.0.1:7780/mcp'] });
    expect(Object.keys(result.servers)).toEqual(['other', 'connector']);
    expect(result.warnings).toEqual([
      'switchboard: points at Switchboard itself (its gateway entry): skipped',
      'gateway-http: points at Switchboard itself (its gateway entry): skipped',
      'app-bridge: points at Switchboard itself (its gateway entry): skipped',
    ]);
  });

  it('skips an entry Switchboard could not run, saying why, and imports the rest', () => {
    const text = JSON.stringify({ mcpServers: { bad: { command: 'x', args: 'not-a-list' }, none: { env: {} }, odd: 42, good: { command: 'y' } } });
    const result = importConfig(text, 'mcp.json');
    expect(result.servers).toEqual({ good: { command: 'y' } });
    expect(result.warnings).toEqual([
      'bad: skipped: args: expected an array of strings',
      'none: skipped: command: needs a command (or a url for a remote server)',
      'odd: not an object: skipped',
    ]);
  });

  it('names the file and the place when the file is not JSON, or holds no servers', () => {
    const broken = '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}';
    expect(() => importConfig(broken, '/home/me/.cursor/mcp.json')).toThrow(new ClientFileError('/home/me/.cursor/mcp.json', '/home/me/.cursor/mcp.json: not valid JSON: a comma is missing at line 4 column 5'));
    expect(() => importConfig('{ "theme": "dark" }', '/x/settings.json')).toThrow('/x/settings.json: has no "mcpServers" (or VS Code "servers") object');
    expect(() => importConfig('[]', '/x/a.json')).toThrow('/x/a.json: expected a JSON object');
  });

  it('reads back what a direct export wrote, for every client that can hold the servers', () => {
    const ours = parseConfig(
      JSON.stringify({ mcpServers: { tool: { command: '/usr/bin/tool', args: ['--stdio'], env: { LEVEL: 'debug' } }, remote: { url: 'https://r.example.com/mcp', headers: { A: 'b' } } } }),
      'mcp.json',
    );
    for (const client of ['cursor', 'vscode', 'claude-code', 'windsurf'] as ClientId[]) {
      const exported = exportConfig({
        client,
        mode: 'direct',
        servers: ours.servers.values(),
        variables: { node: { path: '/n', env: {} }, resources: '/r', dataDir: '/d', home: '/h' },
        env: {},
      });
      const back = importConfig(JSON.stringify(exported.config), `${client}.json`);
      expect(back.servers.tool, client).toEqual({ command: '/usr/bin/tool', args: ['--stdio'], env: { LEVEL: 'debug' } });
      expect(back.servers.remote, client).toMatchObject({ url: 'https://r.example.com/mcp', headers: { A: 'b' } });
    }
  });
});
