import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { switchboardBin, runSwitchboard } from '../../helpers/serve.ts';

afterEach(removeTempDirs);

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('switchboard export', () => {
  it('prints the Claude Desktop entry that runs the bridge as its own client, with absolute paths and no token in it', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'token'), 'tok-from-file\n');
    const result = await runSwitchboard(['export', '--client', 'claude-desktop', '--data-dir', dataDir]);
    expect(result).toEqual({
      code: 0,
      stdout: json({ mcpServers: { switchboard: { command: process.execPath, args: [switchboardBin, 'connect', '--data-dir', dataDir, '--client', 'claude-desktop'] } } }),
      stderr: 'made the Switchboard client "claude-desktop" (it sees every server; limit it in the Clients page or with `switchboard clients set claude-desktop`)\n',
    });
    expect(result.stdout).not.toContain('tok-from-file');
    // Where the admin token comes from SWITCHBOARD_TOKEN, the data dir does not hold it: the bridge is given it.
    const fromEnv = JSON.parse((await runSwitchboard(['export', '--client', 'claude-desktop', '--data-dir', dataDir], { SWITCHBOARD_TOKEN: 'env-tok' })).stdout);
    expect(fromEnv.mcpServers.switchboard.env).toEqual({ SWITCHBOARD_TOKEN: 'env-tok' });
  });

  it('gives a remote entry a token of its own client: made, then a new one on each export (the old one stops working)', async () => {
    const dataDir = tempDir();
    const first = await runSwitchboard(['export', '--client', 'cursor', '--data-dir', dataDir]);
    expect(first.stderr).toContain('made the Switchboard client "cursor"');
    const token = (JSON.parse(first.stdout) as { mcpServers: { switchboard: { headers: { Authorization: string } } } }).mcpServers.switchboard.headers.Authorization;
    expect(token).toMatch(/^Bearer sbc_[\w-]{40,}$/);
    const second = await runSwitchboard(['export', '--client', 'cursor', '--data-dir', dataDir]);
    expect(second.stderr).toContain('a new token for the Switchboard client "cursor"');
    expect(second.stdout).not.toContain(token);
    const listed = (await runSwitchboard(['clients', 'list', '--data-dir', dataDir])).stdout;
    expect(listed).toMatch(/^cursor\s+sbc_/m);
  });

  it('points HTTP clients at the running Switchboard recorded in the data dir, else --url, else the default port', async () => {
    const dataDir = tempDir();
    const url = async (args: string[]) => {
      const config = JSON.parse((await runSwitchboard(['export', ...args, '--data-dir', dataDir])).stdout) as Record<string, Record<string, { url?: string; serverUrl?: string }>>;
      const entry = Object.values(config)[0]!.switchboard!;
      return entry.url ?? entry.serverUrl;
    };
    expect(await url(['--client', 'windsurf'])).toBe('http://127.0.0.1:7780/mcp');
    fs.writeFileSync(path.join(dataDir, 'endpoint.json'), JSON.stringify({ url: 'http://127.0.0.1:45678/mcp', port: 45678, pid: 1, startedAt: 0 }));
    expect(await url(['--client', 'vscode'])).toBe('http://127.0.0.1:45678/mcp');
    expect(await url(['--client', 'claude-code', '--url', 'http://127.0.0.1:9000'])).toBe('http://127.0.0.1:9000/mcp');
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

  it("with --install alone, writes the client's own file in the user's home; again, it keeps the working token", async () => {
    const home = tempDir();
    const result = await runSwitchboard(['export', '--client', 'cursor', '--data-dir', path.join(home, 'data'), '--install'], { HOME: home });
    const file = path.join(home, '.cursor', 'mcp.json');
    expect(result.stdout).toBe(`added switchboard in ${file} (a new file)\n`);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { mcpServers: { switchboard: { url: string; headers: { Authorization: string } } } };
    expect(written.mcpServers.switchboard).toEqual({ url: 'http://127.0.0.1:7780/mcp', headers: { Authorization: expect.stringMatching(/^Bearer sbc_/) } });
    const again = await runSwitchboard(['export', '--client', 'cursor', '--data-dir', path.join(home, 'data'), '--install'], { HOME: home });
    expect(again.stdout).toBe(`${file} already has this entry: nothing changed\n`);
  });

  it('refuses to install into a client file it cannot read as JSON, and leaves it alone', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'mcp.json');
    fs.writeFileSync(file, '{ "mcpServers": ');
    const result = await runSwitchboard(['export', '--client', 'cursor', '--data-dir', dir, '--install', '--file', file], { SWITCHBOARD_TOKEN: 't' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${file}: not valid JSON: a value is missing at line 1 column 17 (nothing was changed)\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "mcpServers": ');
    // Nothing was made for it either: no client, no token.
    expect((await runSwitchboard(['clients', 'list', '--data-dir', dir])).stdout).toContain('no clients yet');
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
      // Node's own parseArgs messages, in words, with the option meant.
      [['--client', 'cursor', '--instal'], 'unknown option --instal (did you mean --install?)'],
      [['--client'], '--client needs a value'],
      [['--client', 'cursor', 'extra'], 'unexpected argument "extra" (this command takes options only)'],
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
