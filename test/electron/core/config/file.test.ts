import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigFile, removeServerEntry, setServerEntry } from '../../../../electron/core/config/file.ts';
import type { ConfigDocument, ConfigError } from '../../../../electron/core/config/index.ts';
import { removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { waitFor } from '../../../helpers/wait.ts';

const files: ConfigFile[] = [];
afterEach(() => {
  for (const file of files.splice(0)) file.dispose();
  removeTempDirs();
});

function configAt(content: unknown): ConfigFile {
  const file = path.join(tempDir(), 'mcp.json');
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
  const config = new ConfigFile(file);
  files.push(config);
  config.load();
  return config;
}

describe('ConfigFile', () => {
  it('applies an edit made on disk, including a save by rename as editors do', async () => {
    const config = configAt({ mcpServers: { a: { command: 'a' } } });
    const seen: ConfigDocument[] = [];
    config.onDidChange((document) => seen.push(document));
    config.watch();
    const temp = `${config.path}.swp`;
    fs.writeFileSync(temp, JSON.stringify({ mcpServers: { a: { command: 'a' }, b: { command: 'b' } } }));
    fs.renameSync(temp, config.path);
    await waitFor(() => seen.length > 0, 'the change event');
    expect([...seen.at(-1)!.servers.keys()]).toEqual(['a', 'b']);
    expect([...config.current.servers.keys()]).toEqual(['a', 'b']);
  });

  it('reports an invalid edit and keeps the last good config', async () => {
    const config = configAt({ mcpServers: { a: { command: 'a' } } });
    const failures: ConfigError[] = [];
    const changes: ConfigDocument[] = [];
    config.onDidFail((error) => failures.push(error));
    config.onDidChange((document) => changes.push(document));
    config.watch();
    fs.writeFileSync(config.path, JSON.stringify({ mcpServers: { a: { command: 'a', args: 'oops' } } }));
    await waitFor(() => failures.length > 0, 'the failure event');
    expect(failures[0]!.message).toBe('mcp.json: mcpServers.a.args: expected an array of strings');
    expect(changes).toEqual([]);
    expect(config.current.servers.get('a')?.args).toEqual([]);
  });

  it('saves atomically, keeps unknown fields and leaves no temporary file behind', () => {
    const config = configAt({ mcpServers: { a: { command: 'a', autoApprove: ['t'] } }, globalShortcut: 'Ctrl+Space' });
    config.update((raw) => setServerEntry(raw, 'b', { command: 'b', args: ['x'] }));
    config.update((raw) => removeServerEntry(raw, 'missing'));
    const saved = JSON.parse(fs.readFileSync(config.path, 'utf8'));
    expect(saved).toEqual({ mcpServers: { a: { command: 'a', autoApprove: ['t'] }, b: { command: 'b', args: ['x'] } }, globalShortcut: 'Ctrl+Space' });
    expect(fs.readdirSync(path.dirname(config.path))).toEqual(['mcp.json']);
  });

  it('keeps the comments and layout of what it does not change', () => {
    const file = path.join(tempDir(), 'mcp.json');
    const text = '{\n    // servers I use every day\n    "mcpServers": {\n        "a": { "command": "a" }, // keep me\n        /* and me */\n        "b": { "command": "b" }\n    }\n}\n';
    fs.writeFileSync(file, text);
    const config = new ConfigFile(file);
    files.push(config);
    config.load();
    config.update((raw) => setServerEntry(raw, 'b', { command: 'b', disabled: true }));
    config.update((raw) => setServerEntry(raw, 'c', { command: 'c' }));
    const saved = fs.readFileSync(file, 'utf8');
    expect(saved).toContain('// servers I use every day');
    expect(saved).toContain('"a": { "command": "a" }, // keep me');
    expect(saved).toContain('/* and me */');
    expect([...config.current.servers.keys()]).toEqual(['a', 'b', 'c']);
    expect(config.current.servers.get('b')?.disabled).toBe(true);
  });

  it('refuses to save an invalid edit and leaves the file untouched', () => {
    const config = configAt({ mcpServers: { a: { command: 'a' } } });
    const before = fs.readFileSync(config.path, 'utf8');
    expect(() => config.update((raw) => setServerEntry(raw, 'b', { args: ['no command'] }))).toThrow('mcp.json: mcpServers.b.command: needs a command');
    expect(fs.readFileSync(config.path, 'utf8')).toBe(before);
  });

  it('never writes over an edit made by hand: a valid one not seen yet is the base of the change', () => {
    const config = configAt({ mcpServers: { a: { command: 'a' } } });
    // Edited by hand just now (the watcher has not run): a server added, a field of ours changed.
    fs.writeFileSync(config.path, JSON.stringify({ mcpServers: { a: { command: 'a', args: ['--verbose'] }, added: { command: 'by-hand' } } }, null, 2));
    config.update((raw) => setServerEntry(raw, 'b', { command: 'b' }));
    expect(JSON.parse(fs.readFileSync(config.path, 'utf8'))).toEqual({ mcpServers: { a: { command: 'a', args: ['--verbose'] }, added: { command: 'by-hand' }, b: { command: 'b' } } });
    expect([...config.current.servers.keys()]).toEqual(['a', 'added', 'b']);
  });

  it('refuses to write over a file that cannot be read now, seen or not, and keeps it byte for byte', async () => {
    const config = configAt({ mcpServers: { a: { command: 'a' }, b: { command: 'b' } } });
    const broken = '{ "mcpServers": { "a": { "command": "a" }, "added": { "command": "by-hand" }, }, oops }';
    fs.writeFileSync(config.path, broken);
    const refused = /mcp\.json was edited outside Switchboard and cannot be read now, so nothing was written over it \(your edit is kept\): fix it first/;
    expect(() => config.update((raw) => setServerEntry(raw, 'b', { command: 'b', disabled: true }))).toThrow(refused);
    expect(fs.readFileSync(config.path, 'utf8')).toBe(broken);
    // Once the watcher has seen it too: still refused, and the file's problems are there to show.
    config.reload();
    expect(config.problems.length).toBeGreaterThan(0);
    expect(() => config.update((raw) => setServerEntry(raw, 'b', { command: 'b', disabled: true }))).toThrow(refused);
    expect(fs.readFileSync(config.path, 'utf8')).toBe(broken);
    // Fixed by hand: the problems go, and changes are made on the fixed file.
    fs.writeFileSync(config.path, JSON.stringify({ mcpServers: { a: { command: 'a' }, added: { command: 'by-hand' } } }));
    config.reload();
    expect(config.problems).toEqual([]);
    config.update((raw) => setServerEntry(raw, 'c', { command: 'c' }));
    expect(Object.keys(JSON.parse(fs.readFileSync(config.path, 'utf8')).mcpServers)).toEqual(['a', 'added', 'c']);
  });

  it('says which file it cannot read', () => {
    const config = new ConfigFile('/nonexistent/dir/mcp.json');
    expect(() => config.load()).toThrow('mcp.json: cannot read /nonexistent/dir/mcp.json: ENOENT');
  });
});
