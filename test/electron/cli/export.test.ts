import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { switchboardBin, runSwitchboard } from '../../helpers/serve.ts';

afterEach(removeTempDirs);

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('switchboard export', () => {
  it('prints the Claude Desktop entry that runs the bridge with absolute paths and the data dir token', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'token'), 'tok-from-file\n');
    const result = await runSwitchboard(['export', '--client', 'claude-desktop', '--data-dir', dataDir]);
    expect(result).toEqual({
      code: 0,
      stdout: json({
        mcpServers: {
          switchboard: { command: process.execPath, args: [switchboardBin, 'connect', '--data-dir', dataDir], env: { SWITCHBOARD_TOKEN: 'tok-from-file' } },
        },
      }),
      stderr: '',
    });
  });

  it('creates the token when the data dir has none, and SWITCHBOARD_TOKEN overrides it', async () => {
    const dataDir = tempDir();
    const created = JSON.parse((await runSwitchboard(['export', '--client', 'cursor', '--data-dir', dataDir])).stdout);
    const token = fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim();
    expect(token).toMatch(/^[\w-]{20,}$/);
    expect(created.mcpServers.switchboard.headers).toEqual({ Authorization: `Bearer ${token}` });
    const overridden = JSON.parse((await runSwitchboard(['export', '--client', 'cursor', '--data-dir', dataDir], { SWITCHBOARD_TOKEN: 'env-tok' })).stdout);
    expect(overridden.mcpServers.switchboard.headers).toEqual({ Authorization: 'Bearer env-tok' });
  });

  it('points HTTP clients at the running Switchboard recorded in the data dir, else --url, else the default port', async () => {
    const dataDir = tempDir();
    const env = { SWITCHBOARD_TOKEN: 't' };
    expect((await runSwitchboard(['export', '--client', 'windsurf', '--data-dir', dataDir], env)).stdout).toBe(
      json({ mcpServers: { switchboard: { serverUrl: 'http://127.0.0.1:7780/mcp', headers: { Authorization: 'Bearer t' } } } }),
    );
    fs.writeFileSync(path.join(dataDir, 'endpoint.json'), JSON.stringify({ url: 'http://127.0.0.1:45678/mcp', port: 45678, pid: 1, startedAt: 0 }));
    expect((await runSwitchboard(['export', '--client', 'vscode', '--data-dir', dataDir], env)).stdout).toBe(
      json({ servers: { switchboard: { type: 'http', url: 'http://127.0.0.1:45678/mcp', headers: { Authorization: 'Bearer t' } } } }),
    );
    expect((await runSwitchboard(['export', '--client', 'claude-code', '--data-dir', dataDir, '--url', 'http://127.0.0.1:9000'], env)).stdout).toBe(
      json({ mcpServers: { switchboard: { type: 'http', url: 'http://127.0.0.1:9000/mcp', headers: { Authorization: 'Bearer t' } } } }),
    );
  });

  it('exports every enabled server of the config in direct mode, our variables expanded, and warns about the rest', async () => {
    const dataDir = tempDir();
    const config = path.join(dataDir, 'servers.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          dynamic: { command: '${switchboard:node}', args: [fixture('dynamic.mjs')], env: { DATA: '${switchboard:dataDir}/x' } },
          remote: { url: 'https://mcp.example.com/mcp' },
          off: { command: 'x', disabled: true },
        },
      }),
    );
    const result = await runSwitchboard(['export', '--client', 'claude-desktop', '--mode', 'direct', '--config', config, '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(json({ mcpServers: { dynamic: { command: process.execPath, args: [fixture('dynamic.mjs')], env: { DATA: `${dataDir}/x` } } } }));
    expect(result.stderr).toBe(
      [
        'warning: remote: Claude Desktop cannot reach a remote server (https://mcp.example.com/mcp) from its config file: left out (--mode gateway reaches it through Switchboard)',
        'warning: off: disabled in Switchboard, left out',
        '',
      ].join('\n'),
    );
    expect(fs.existsSync(path.join(dataDir, 'token'))).toBe(false);
  });

  it('merges the entry into an existing client file with --install --file, after a backup, and says where', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'claude_desktop_config.json');
    const original = '{\n  // mine\n  "mcpServers": {\n    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }\n  }\n}\n';
    fs.writeFileSync(file, original);
    const result = await runSwitchboard(['export', '--client', 'claude-desktop', '--data-dir', dir, '--install', '--file', file], { SWITCHBOARD_TOKEN: 't' });
    expect(result.code).toBe(0);
    const line = /^added switchboard in (.+) \(backup: (.+\.switchboard-backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)\)\n$/.exec(result.stdout);
    expect(line?.[1]).toBe(file);
    expect(fs.readFileSync(line?.[2] ?? '', 'utf8')).toBe(original);
    expect(result.stderr).toContain('restart Claude Desktop (or reload its MCP servers) to use it');
    expect(result.stderr).toContain(`note: ${file} still lists 1 server(s) of its own (memory)`);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('  // mine\n');
    expect(text).toContain('    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] },\n');
    expect(Object.keys((JSON.parse(text.replace('// mine', '')) as { mcpServers: object }).mcpServers)).toEqual(['memory', 'switchboard']);

    const again = await runSwitchboard(['export', '--client', 'claude-desktop', '--data-dir', dir, '--install', '--file', file], { SWITCHBOARD_TOKEN: 't' });
    expect(again.stdout).toBe(`${file} already has this entry: nothing changed\n`);
  });

  it("with --install alone, writes the client's own file in the user's home", async () => {
    const home = tempDir();
    const result = await runSwitchboard(['export', '--client', 'cursor', '--data-dir', path.join(home, 'data'), '--install'], { HOME: home, SWITCHBOARD_TOKEN: 't' });
    const file = path.join(home, '.cursor', 'mcp.json');
    expect(result.stdout).toBe(`added switchboard in ${file} (a new file)\n`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ mcpServers: { switchboard: { url: 'http://127.0.0.1:7780/mcp', headers: { Authorization: 'Bearer t' } } } });
  });

  it('refuses to install into a client file it cannot read as JSON, and leaves it alone', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'mcp.json');
    fs.writeFileSync(file, '{ "mcpServers": ');
    const result = await runSwitchboard(['export', '--client', 'cursor', '--data-dir', dir, '--install', '--file', file], { SWITCHBOARD_TOKEN: 't' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${file}: not valid JSON: a value is missing at line 1 column 17 (nothing was changed)\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "mcpServers": ');
  });

  it('explains a wrong command line in one line, exit 2', async () => {
    const dataDir = tempDir();
    const clients = 'claude-desktop, cursor, vscode, claude-code, windsurf';
    const cases: [string[], string][] = [
      [[], `--client is required: one of ${clients}`],
      [['--client', 'zed'], `unknown client "zed": use one of ${clients}`],
      [['--client', 'cursor', '--mode', 'proxy'], '--mode must be gateway or direct, not "proxy"'],
      [['--client', 'cursor', '--file', 'x.json'], '--file names the file --install merges into: add --install'],
      [['--client', 'cursor', '--url', 'localhost:7780'], '--url must be an http(s) URL, not "localhost:7780"'],
    ];
    for (const [args, message] of cases) {
      const result = await runSwitchboard(['export', ...args, '--data-dir', dataDir]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(`switchboard export: ${message}\nRun \`switchboard --help\` for the options.\n`);
    }
  });

  it('says which config is missing in direct mode, exit 1', async () => {
    const dataDir = tempDir();
    const result = await runSwitchboard(['export', '--client', 'cursor', '--mode', 'direct', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`no config at ${path.join(dataDir, 'mcp.json')}: pass --config FILE, or run \`switchboard serve\` once to create it\n`);
  });
});
