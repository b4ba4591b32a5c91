import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, getHealth, startServe, runSwitchboard } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

afterEach(async () => {
  await cleanupServes();
  removeTempDirs();
});

const readConfig = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, unknown> };

describe('switchboard import', () => {
  it('adds the servers of a client file, skips the ones we have and our own entry, and replaces with --overwrite', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: { memory: { command: 'mine', replicas: 2 } }, theme: 'kept' }));
    const file = path.join(tempDir(), 'claude_desktop_config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        mcpServers: {
          switchboard: { command: '/usr/bin/node', args: ['/opt/switchboard/bin/switchboard.js', 'connect'], env: { SWITCHBOARD_TOKEN: 't' } },
          memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] },
          fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
        },
      }),
    );
    const first = await runSwitchboard(['import', file, '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('skipped memory (exists; --overwrite replaces it)\nadded fs\n');
    expect(first.stderr).toBe(`warning: switchboard: points at Switchboard itself (its gateway entry): skipped\nconfig: ${path.join(dataDir, 'mcp.json')}\n`);
    expect(readConfig(dataDir)).toEqual({
      mcpServers: { memory: { command: 'mine', replicas: 2 }, fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] } },
      theme: 'kept',
    });

    const second = await runSwitchboard(['import', file, '--data-dir', dataDir, '--overwrite']);
    expect(second.stdout).toBe('replaced memory\nreplaced fs\n');
    expect(readConfig(dataDir).mcpServers.memory).toEqual({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] });
  });

  it('keeps secret-looking values in the secret store, not in mcp.json (unless --keep-secrets)', async () => {
    const dataDir = tempDir();
    const file = path.join(tempDir(), 'claude_desktop_config.json');
    const secret = 'ghp_0123456789abcdefghijABCDEFGHIJ0123';
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { github: { command: 'npx', args: ['-y', 'github-mcp'], env: { GITHUB_TOKEN: secret, LOG_LEVEL: 'debug' } } } }));
    // No keychain here (no session bus); the encrypted file of SWITCHBOARD_SECRETS_KEY is the store.
    const env = { SWITCHBOARD_SECRETS_KEY: 'a passphrase for the test', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const result = await runSwitchboard(['import', file, '--data-dir', dataDir], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('kept 1 secret value in the encrypted file');
    expect(readConfig(dataDir).mcpServers.github).toEqual({ command: 'npx', args: ['-y', 'github-mcp'], env: { GITHUB_TOKEN: '${secret:github_GITHUB_TOKEN}', LOG_LEVEL: 'debug' } });
    for (const name of fs.readdirSync(dataDir)) expect(fs.readFileSync(path.join(dataDir, name)).includes(secret), name).toBe(false);
    expect((await runSwitchboard(['secrets', 'list', '--data-dir', dataDir], env)).stdout).toBe('github_GITHUB_TOKEN\n');

    const kept = tempDir();
    const plain = await runSwitchboard(['import', file, '--data-dir', kept, '--keep-secrets'], env);
    expect(plain.stdout).toBe('added github\n');
    expect(readConfig(kept).mcpServers.github).toMatchObject({ env: { GITHUB_TOKEN: secret } });
  });

  it('imports a VS Code JSONC file into a data dir that has no config yet', async () => {
    const dataDir = tempDir();
    const file = path.join(tempDir(), 'mcp.json');
    fs.writeFileSync(file, '{\n  // mine\n  "servers": {\n    "docs": { "type": "http", "url": "https://docs.example.com/mcp", },\n  },\n}\n');
    const result = await runSwitchboard(['import', file, '--data-dir', dataDir]);
    expect(result).toMatchObject({ code: 0, stdout: 'added docs\n' });
    expect(readConfig(dataDir)).toEqual({ mcpServers: { docs: { type: 'http', url: 'https://docs.example.com/mcp' } } });
  });

  it('exits 1 naming the file when it cannot be read or parsed, and leaves our config alone', async () => {
    const dataDir = tempDir();
    const missing = path.join(dataDir, 'nope.json');
    const unread = await runSwitchboard(['import', missing, '--data-dir', dataDir]);
    expect(unread).toEqual({ code: 1, stdout: '', stderr: `cannot read ${missing}: no such file\n` });

    const broken = path.join(dataDir, 'broken.json');
    fs.writeFileSync(broken, '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}');
    const unparsed = await runSwitchboard(['import', broken, '--data-dir', dataDir]);
    expect(unparsed).toEqual({ code: 1, stdout: '', stderr: `${broken}: not valid JSON: a comma is missing at line 4 column 5\n` });
    expect(fs.existsSync(path.join(dataDir, 'mcp.json'))).toBe(false);

    const usage = await runSwitchboard(['import', '--data-dir', dataDir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('switchboard import: expects one FILE');
  });

  it('a running Switchboard starts the imported servers, and skips the entry that points at it', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: {} }));
    const serve = await startServe(['--data-dir', dataDir]);
    const file = path.join(tempDir(), 'mcp.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        mcpServers: {
          switchboard: { url: `${serve.base}/mcp`, headers: { Authorization: 'Bearer t' } },
          dynamic: { command: process.execPath, args: [fixture('dynamic.mjs')] },
        },
      }),
    );
    const result = await runSwitchboard(['import', file, '--data-dir', dataDir]);
    expect(result.stdout).toBe('added dynamic\n');
    expect(result.stderr).toContain('warning: switchboard: points at Switchboard itself (its gateway entry): skipped\n');
    await waitFor(async () => (await getHealth(serve.base)).servers.find((s) => s.name === 'dynamic')?.state === 'ready', 'the imported server to be ready');
    expect((await getHealth(serve.base)).servers.map((s) => s.name)).toEqual(['dynamic']);
  });

  it('without --config, writes the config the running Switchboard uses (its own --config), so what is imported starts', async () => {
    const dataDir = tempDir();
    const own = path.join(tempDir(), 'team.json');
    fs.writeFileSync(own, JSON.stringify({ mcpServers: {} }));
    const serve = await startServe(['--data-dir', dataDir, '--config', own]);
    const file = path.join(tempDir(), 'claude_desktop_config.json');
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { dynamic: { command: process.execPath, args: [fixture('dynamic.mjs')] } } }));
    const result = await runSwitchboard(['import', file, '--data-dir', dataDir]);
    expect(result.stderr).toContain(`config: ${own}`);
    expect(Object.keys(readConfigAt(own).mcpServers)).toEqual(['dynamic']);
    expect(fs.existsSync(path.join(dataDir, 'mcp.json'))).toBe(false);
    await waitFor(async () => (await getHealth(serve.base)).servers.find((s) => s.name === 'dynamic')?.state === 'ready', 'the imported server to be ready');
    // export --mode direct reads the same file.
    const exported = await runSwitchboard(['export', '--client', 'cursor', '--mode', 'direct', '--data-dir', dataDir]);
    expect(Object.keys((JSON.parse(exported.stdout) as { mcpServers: object }).mcpServers)).toEqual(['dynamic']);
  });
});

const readConfigAt = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as { mcpServers: Record<string, unknown> };
