import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientFileError, installConfig } from '../../../../electron/core/clients/index.ts';
import { removeTempDirs, tempDir } from '../../../helpers/fs.ts';

afterEach(removeTempDirs);

const entry = { command: '/opt/node/bin/node', args: ['/opt/switchboard/bin/switchboard.js', 'connect'], env: { SWITCHBOARD_TOKEN: 't' } };
const now = new Date('2026-03-04T05:06:07.890Z');
const backups = (dir: string) => fs.readdirSync(dir).filter((name) => name.includes('.switchboard-backup-'));

describe('installConfig', () => {
  it("creates the client's file and its folders when missing, with no backup", () => {
    const home = tempDir();
    const result = installConfig({ client: 'claude-desktop', entries: { switchboard: entry }, platform: { platform: 'linux', home, env: {} } });
    const file = path.join(home, '.config', 'Claude', 'claude_desktop_config.json');
    expect(result).toEqual({ file, backup: undefined, created: true, added: ['switchboard'], replaced: [], unchanged: false, others: [] });
    expect(fs.readFileSync(file, 'utf8')).toBe(`${JSON.stringify({ mcpServers: { switchboard: entry } }, null, 2)}\n`);
  });

  it('adds our entry beside the others, keeping comments and their layout, after a backup of the file as it was', () => {
    const dir = tempDir();
    const file = path.join(dir, 'mcp.json');
    const original = `{
  // my servers
  "mcpServers": {
    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }, // one line, on purpose
    "fs": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me"],
    },
  },
  "other": true,
}
`;
    fs.writeFileSync(file, original);
    const result = installConfig({ client: 'cursor', file, entries: { switchboard: { url: 'http://127.0.0.1:7780/mcp' } }, now });
    const backup = `${file}.switchboard-backup-2026-03-04T05-06-07-890Z`;
    expect(result).toEqual({ file, backup, created: false, added: ['switchboard'], replaced: [], unchanged: false, others: ['memory', 'fs'] });
    expect(fs.readFileSync(backup, 'utf8')).toBe(original);
    expect(fs.readFileSync(file, 'utf8')).toBe(`{
  // my servers
  "mcpServers": {
    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }, // one line, on purpose
    "fs": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me"],
    },
    "switchboard": {
      "url": "http://127.0.0.1:7780/mcp"
    },
  },
  "other": true,
}
`);
  });

  it('leaves a comment after the last entry with that entry, with or without a trailing comma', () => {
    const dir = tempDir();
    for (const comma of ['', ',']) {
      const file = path.join(dir, `mcp${comma ? '-comma' : ''}.json`);
      fs.writeFileSync(file, `{\n  "mcpServers": {\n    "fs": { "command": "npx" }${comma} // keep me\n  }\n}\n`);
      installConfig({ client: 'cursor', file, entries: { switchboard: { url: 'http://127.0.0.1:7780/mcp' } }, now });
      expect(fs.readFileSync(file, 'utf8')).toBe(
        `{\n  "mcpServers": {\n    "fs": { "command": "npx" }, // keep me\n    "switchboard": {\n      "url": "http://127.0.0.1:7780/mcp"\n    }${comma}\n  }\n}\n`,
      );
    }
  });

  it('replaces only our entry when it is there, and writes nothing when it is already up to date', () => {
    const dir = tempDir();
    const file = path.join(dir, 'claude_desktop_config.json');
    fs.writeFileSync(file, '{\n  "mcpServers": {\n    "switchboard": { "command": "old" },\n    "keep": { "command": "k" }\n  }\n}\n');
    const first = installConfig({ client: 'claude-desktop', file, entries: { switchboard: entry }, now });
    expect(first).toMatchObject({ added: [], replaced: ['switchboard'], unchanged: false, others: ['keep'] });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ mcpServers: { switchboard: entry, keep: { command: 'k' } } });
    expect(fs.readFileSync(file, 'utf8')).toContain('    "keep": { "command": "k" }\n');

    const written = fs.readFileSync(file, 'utf8');
    const again = installConfig({ client: 'claude-desktop', file, entries: { switchboard: entry }, now: new Date('2026-03-04T06:00:00.000Z') });
    expect(again).toMatchObject({ backup: undefined, unchanged: true, added: [], replaced: [] });
    expect(fs.readFileSync(file, 'utf8')).toBe(written);
    expect(backups(dir)).toEqual(['claude_desktop_config.json.switchboard-backup-2026-03-04T05-06-07-890Z']);
  });

  it("writes under VS Code's servers key, creating it, in the file's own indent and line endings", () => {
    const dir = tempDir();
    const file = path.join(dir, 'mcp.json');
    fs.writeFileSync(file, '{\r\n\t"inputs": []\r\n}\r\n');
    installConfig({ client: 'vscode', file, entries: { switchboard: { type: 'http', url: 'http://127.0.0.1:7780/mcp' } }, now });
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '{\r\n\t"inputs": [],\r\n\t"servers": {\r\n\t\t"switchboard": {\r\n\t\t\t"type": "http",\r\n\t\t\t"url": "http://127.0.0.1:7780/mcp"\r\n\t\t}\r\n\t}\r\n}\r\n',
    );
  });

  it('fills an empty servers map and keeps a compact file compact', () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.json');
    fs.writeFileSync(empty, '{\n    "mcpServers": {}\n}\n');
    installConfig({ client: 'windsurf', file: empty, entries: { switchboard: { serverUrl: 'http://x/mcp' } }, now });
    expect(fs.readFileSync(empty, 'utf8')).toBe('{\n    "mcpServers": {\n        "switchboard": {\n            "serverUrl": "http://x/mcp"\n        }\n    }\n}\n');

    const compact = path.join(dir, 'compact.json');
    fs.writeFileSync(compact, '{"mcpServers":{"a":{"command":"x"}},"numStartups":3}');
    installConfig({ client: 'claude-code', file: compact, entries: { switchboard: { type: 'http', url: 'http://x/mcp' } }, now });
    expect(fs.readFileSync(compact, 'utf8')).toBe('{"mcpServers":{"a":{"command":"x"},"switchboard":{"type":"http","url":"http://x/mcp"}},"numStartups":3}\n');
  });

  it('keeps the mode of a private file for the file and its backup, and writes through a symlink', () => {
    const dir = tempDir();
    const real = path.join(dir, 'dotfiles', '.claude.json');
    fs.mkdirSync(path.dirname(real));
    fs.writeFileSync(real, '{ "mcpServers": {} }', { mode: 0o600 });
    const link = path.join(dir, '.claude.json');
    fs.symlinkSync(real, link);
    const result = installConfig({ client: 'claude-code', file: link, entries: { switchboard: { type: 'http', url: 'http://x/mcp' } }, now });
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(real, 'utf8')).mcpServers.switchboard).toEqual({ type: 'http', url: 'http://x/mcp' });
    expect(result.backup).toBe(`${real}.switchboard-backup-2026-03-04T05-06-07-890Z`);
    if (process.platform !== 'win32') {
      expect(fs.statSync(real).mode & 0o777).toBe(0o600);
      expect(fs.statSync(result.backup ?? '').mode & 0o777).toBe(0o600);
    }
  });

  it('refuses a file it cannot read as JSON, changing nothing', () => {
    const dir = tempDir();
    const file = path.join(dir, 'mcp.json');
    fs.writeFileSync(file, '{ "mcpServers": { "a": { "command": "x" } ');
    expect(() => installConfig({ client: 'cursor', file, entries: { switchboard: { url: 'http://x/mcp' } }, now })).toThrow(ClientFileError);
    fs.writeFileSync(file, '{ "mcpServers": [] }');
    expect(() => installConfig({ client: 'cursor', file, entries: { switchboard: { url: 'http://x/mcp' } }, now })).toThrow(`${file}: "mcpServers" is not an object; fix the file by hand first`);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "mcpServers": [] }');
    expect(backups(dir)).toEqual([]);
  });
});
