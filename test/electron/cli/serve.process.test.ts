// `switchboard serve` as a process: it must never leave a process behind, even when killed with -9.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { binOf, fixture, removeTempDirs, repoRoot, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, descendants, getHealth, isAlivePid, reapLater, startServe } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

afterEach(async () => {
  await cleanupServes();
  removeTempDirs();
});

/** Five servers: server-everything through npx (npm → sh → node), memory, filesystem, one that ignores SIGTERM, one behind a wrapper. */
function fiveServerConfig(dir: string): string {
  const file = path.join(dir, 'five.json');
  const node = process.execPath;
  fs.writeFileSync(
    file,
    JSON.stringify({
      mcpServers: {
        everything: { command: 'npx', args: ['mcp-server-everything', 'stdio'], cwd: repoRoot },
        memory: { command: node, args: [binOf('@modelcontextprotocol/server-memory', 'dist/index.js')], env: { MEMORY_FILE_PATH: path.join(dir, 'memory.jsonl') } },
        filesystem: { command: node, args: [binOf('@modelcontextprotocol/server-filesystem', 'dist/index.js'), dir] },
        stubborn: { command: node, args: [fixture('hang.mjs')] },
        wrapped: { command: node, args: [fixture('wrapper.mjs'), fixture('dynamic.mjs')] },
      },
    }),
  );
  return file;
}

async function allReady(base: string) {
  return waitFor(async () => {
    const health = await getHealth(base);
    return health.servers.length === 5 && health.servers.every((s) => s.state === 'ready') ? health : undefined;
  }, 'all five servers to be ready', 60_000);
}

describe('switchboard serve', () => {
  it('reports every server ready in /health, and on SIGTERM stops every process it started and exits 0', async () => {
    const dir = tempDir();
    const serve = await startServe(['--config', fiveServerConfig(dir), '--data-dir', path.join(dir, 'data')]);
    const health = await allReady(serve.base);
    expect(health.status).toBe('ok');
    // server-everything offers 17 tools to a client that can sample, elicit (form and url) and list roots, as the gateway's upstream clients do.
    expect(Object.fromEntries(health.servers.map((s) => [s.name, s.tools]))).toEqual({ everything: 17, memory: 9, filesystem: 14, stubborn: 1, wrapped: 2 });
    const tree = descendants(serve.child.pid!);
    reapLater(tree.map((p) => p.pgid));
    // npx runs the server a few levels down; the wrapper has a child of its own.
    expect(tree.some((p) => p.command.includes('mcp-server-everything') && !p.command.startsWith('npm'))).toBe(true);
    expect(tree.length).toBeGreaterThanOrEqual(8);

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.stderr()).toContain('stopped');
    const survivors = tree.filter((p) => isAlivePid(p.pid));
    expect(survivors).toEqual([]);
    // It forgets its endpoint when it stops, so `status` does not talk to a dead port.
    expect(fs.existsSync(path.join(dir, 'data', 'endpoint.json'))).toBe(false);
  });

  it('after a kill -9, the next start stops what the dead run left behind, and says so', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const config = fiveServerConfig(dir);
    const first = await startServe(['--config', config, '--data-dir', dataDir]);
    await allReady(first.base);
    const tree = descendants(first.child.pid!);
    reapLater(tree.map((p) => p.pgid));
    const stubborn = tree.find((p) => p.command.includes('hang.mjs'))!;
    first.child.kill('SIGKILL');
    await first.exited;
    // Servers that exit when stdin closes are gone by themselves; the stubborn one is now an orphan.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isAlivePid(stubborn.pid)).toBe(true);

    const second = await startServe(['--config', config, '--data-dir', dataDir]);
    await waitFor(() => second.stderr().includes('left behind by a previous run'), 'the leftover report');
    expect(second.stderr()).toMatch(new RegExp(`stopped \\d+ process group\\(s\\) left behind by a previous run: .*stubborn \\(pid ${stubborn.pid}, (terminated|killed)\\)`));
    await waitFor(() => !isAlivePid(stubborn.pid), 'the orphan to be stopped');
    const orphans = tree.filter((p) => isAlivePid(p.pid));
    expect(orphans).toEqual([]);
    await allReady(second.base);
  });

  it('refuses a second serve on the same data dir while the first runs', async () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.json');
    fs.writeFileSync(empty, '{"mcpServers":{}}');
    await startServe(['--config', empty, '--data-dir', dir]);
    await expect(startServe(['--config', empty, '--data-dir', dir])).rejects.toThrow(/another Switchboard \(pid \d+\) is using the data dir/);
  });

  it('creates a data dir with the demo server on first run, and serves it', async () => {
    const dataDir = path.join(tempDir(), 'fresh');
    const serve = await startServe(['--data-dir', dataDir]);
    const health = await waitFor(async () => {
      const report = await getHealth(serve.base);
      return report.servers[0]?.state === 'ready' ? report : undefined;
    }, 'the demo server');
    expect(health.servers).toMatchObject([{ name: 'demo', state: 'ready', tools: 5 }]);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'mcp.json'), 'utf8')).mcpServers.demo.command).toBe('${switchboard:node}');
    expect(fs.statSync(path.join(dataDir, 'token')).mode & 0o777).toBe(0o600);
  });

  it('refuses a --config that does not exist instead of creating it with the demo server', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'Claude', 'claude_desktop_config.json');
    await expect(startServe(['--config', missing, '--data-dir', path.join(dir, 'data')])).rejects.toThrow(
      `exited with 1 before printing its endpoint:\n${missing} does not exist: check the path, or leave out --config to use mcp.json in the data dir\n`,
    );
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('says a taken port before starting any server', async () => {
    const dir = tempDir();
    const marker = path.join(dir, 'started');
    const config = path.join(dir, 'mcp.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { marker: { command: process.execPath, args: ['-e', 'require("fs").writeFileSync(process.argv[1], "x")', marker] } } }));
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      await expect(startServe(['--config', config, '--data-dir', path.join(dir, 'data'), '--port', String(port)])).rejects.toThrow(
        `exited with 1 before printing its endpoint:\nport ${port} on 127.0.0.1 is in use; pick another with --port (or --port 0 for any free one)\n`,
      );
      expect(fs.existsSync(marker)).toBe(false);
    } finally {
      holder.close();
    }
  });

  it('stops with a message naming the file and field when the config is invalid', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'mcp.json');
    fs.writeFileSync(bad, JSON.stringify({ mcpServers: { github: { command: 'npx', args: '-y @modelcontextprotocol/server-github' } } }));
    await expect(startServe(['--config', bad, '--data-dir', dir])).rejects.toThrow(/exited with 1 before printing its endpoint:\nmcp\.json: mcpServers\.github\.args: expected an array of strings\n$/);
  });
});
