// `switchboard connect` and `switchboard call` against a running `switchboard serve`, as processes.
import fs from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, getHealth, startServe, switchboardBin, runSwitchboard } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
  await cleanupServes();
  removeTempDirs();
});

function writeConfig(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, 'mcp.json'),
    JSON.stringify({ mcpServers: { fidelity: { command: process.execPath, args: [fixture('fidelity.mjs')] }, dynamic: { command: process.execPath, args: [fixture('dynamic.mjs')] } } }),
  );
}

async function serveReady(dataDir: string) {
  const serve = await startServe(['--data-dir', dataDir]);
  await waitFor(async () => (await getHealth(serve.base)).status === 'ok', 'both servers ready');
  return serve;
}

/** Launches `switchboard connect` the way Claude Desktop launches a stdio server. */
async function connectThroughBridge(dataDir: string, env: Record<string, string> = {}): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [switchboardBin, 'connect', '--data-dir', dataDir], env: { PATH: process.env.PATH ?? '', ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'claude-desktop-stand-in', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

const text = (result: { content?: unknown }) => (result.content as { text?: string }[]).map((c) => c.text ?? '').join('');

describe('the exported Claude Desktop config', () => {
  it('runs as Claude Desktop would run it (exactly its command, args and env) and lists the same tools', async () => {
    const dataDir = tempDir();
    writeConfig(dataDir);
    const serve = await serveReady(dataDir);
    const exported = await runSwitchboard(['export', '--client', 'claude-desktop', '--data-dir', dataDir]);
    expect(exported.code).toBe(0);
    const entry = JSON.parse(exported.stdout).mcpServers.switchboard as { command: string; args: string[]; env: Record<string, string> };
    expect(path.isAbsolute(entry.command)).toBe(true); // a GUI app's PATH is bare
    // Claude Desktop passes only the entry's env (and a bare PATH); nothing of this test's environment.
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { PATH: '/usr/bin:/bin', ...entry.env }, stderr: 'pipe' });
    const client = new Client({ name: 'claude-ai', version: '0.14.0' });
    clients.push(client);
    await client.connect(transport);
    const viaBridge = (await client.listTools()).tools.map((t) => t.name).sort();
    const direct = await connectHttp(serve.base, fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim());
    const viaHttp = (await direct.listTools()).tools.map((t) => t.name).sort();
    expect(viaBridge).toEqual(viaHttp);
    expect(viaBridge).toContain('fidelity__slow');
    expect(text(await client.callTool({ name: 'fidelity__fail', arguments: {} }))).toBe('it went wrong on purpose');
  });
});

async function connectHttp(base: string, token: string): Promise<Client> {
  const client = new Client({ name: 'cursor-stand-in', version: '1.0.0' });
  clients.push(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

describe('switchboard connect', () => {
  it("relays a stdio client to the gateway: every server's tools, and calls", async () => {
    const dataDir = tempDir();
    writeConfig(dataDir);
    await serveReady(dataDir);
    const { client } = await connectThroughBridge(dataDir);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['fidelity__slow', 'fidelity__link', 'dynamic__add_tool']));
    const progress: number[] = [];
    const result = await client.callTool({ name: 'fidelity__slow', arguments: { ms: 200 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(text(result)).toBe('done after 200 ms');
    expect(progress.length).toBeGreaterThan(0);
  });

  it('waits for Switchboard when it is not running yet, and says so on stderr', async () => {
    const dataDir = tempDir();
    writeConfig(dataDir);
    const bridge = connectThroughBridge(dataDir);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await serveReady(dataDir);
    const { client, stderr } = await bridge;
    expect(stderr()).toContain(`Switchboard is not running (no endpoint recorded in ${dataDir}); waiting up to 60 s for it to start`);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });

  it('survives a restart of Switchboard (a new port, a new session) without the client noticing', async () => {
    const dataDir = tempDir();
    writeConfig(dataDir);
    const first = await serveReady(dataDir);
    const { client, stderr } = await connectThroughBridge(dataDir);
    expect(text(await client.callTool({ name: 'fidelity__fail', arguments: {} }))).toBe('it went wrong on purpose');
    first.child.kill('SIGTERM');
    await first.exited;
    await serveReady(dataDir);
    const again = await client.callTool({ name: 'fidelity__fail', arguments: {} });
    expect(text(again)).toBe('it went wrong on purpose');
    expect(stderr()).toContain('opening a new session');
  });
});

describe('switchboard connect when Switchboard dies mid-call', () => {
  it('never sends a call again that may have run: the call fails with a sentence, and runs exactly once', async () => {
    const dataDir = tempDir();
    const countFile = path.join(dataDir, 'count.txt');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: { counter: { command: process.execPath, args: [fixture('counter.mjs')], env: { COUNT_FILE: countFile } } } }));
    let current = await serveReady(dataDir);
    const { client, stderr } = await connectThroughBridge(dataDir);
    const runs = () => (fs.existsSync(countFile) ? fs.readFileSync(countFile, 'utf8').split('\n').filter(Boolean) : []);
    for (const withProgress of [false, true]) {
      const label = withProgress ? 'streamed' : 'direct';
      const call = client.callTool({ name: 'counter__count', arguments: { label, ms: 3000 } }, withProgress ? { onprogress: () => undefined } : undefined);
      await waitFor(() => runs().includes(label), `the ${label} call to start`);
      const killedAt = Date.now();
      current.child.kill('SIGKILL');
      await expect(call.catch((error: Error) => Promise.reject(new Error(`${error.message}\n${stderr()}`)))).rejects.toThrow(/Switchboard stopped while the request was in flight; it may have been carried out, so it was not sent again/);
      // At once, not at the client's timeout.
      expect(Date.now() - killedAt).toBeLessThan(5000);
      current = await serveReady(dataDir);
      // Back: the next call works, and the one in flight ran exactly once.
      expect(text(await client.callTool({ name: 'counter__count', arguments: { label: `${label}-after`, ms: 10 } }))).toBe(`counted ${label}-after`);
      expect(runs().filter((line) => line === label)).toEqual([label]);
    }
  }, 90_000);

  it('holds a call made while Switchboard is down until it is back, then sends it once', async () => {
    const dataDir = tempDir();
    const countFile = path.join(dataDir, 'count.txt');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: { counter: { command: process.execPath, args: [fixture('counter.mjs')], env: { COUNT_FILE: countFile } } } }));
    const first = await serveReady(dataDir);
    const { client, stderr } = await connectThroughBridge(dataDir);
    expect(text(await client.callTool({ name: 'counter__count', arguments: { label: 'before', ms: 1 } }))).toBe('counted before');
    first.child.kill('SIGKILL');
    await first.exited;
    const call = client.callTool({ name: 'counter__count', arguments: { label: 'while-down', ms: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await serveReady(dataDir);
    expect(text(await call.catch((error: Error) => ({ content: [{ text: `${error.message}\n${stderr()}` }] })))).toBe('counted while-down');
    expect(fs.readFileSync(countFile, 'utf8').split('\n').filter((line) => line === 'while-down')).toHaveLength(1);
  }, 60_000);
});

describe('switchboard call', () => {
  it("calls a tool through the running gateway and prints its text; the exit code follows the tool's isError", async () => {
    const dataDir = tempDir();
    writeConfig(dataDir);
    await serveReady(dataDir);
    const ok = await runSwitchboard(['call', 'fidelity__slow', '--args', '{"ms":50}', '--data-dir', dataDir]);
    expect(ok).toMatchObject({ code: 0, stdout: 'done after 50 ms\n' });
    const link = await runSwitchboard(['call', 'fidelity__link', '--data-dir', dataDir]);
    expect(link.stdout).toBe('[resource link fixture://thing/1]\n[image image/png, 8 bytes]\n');
    expect(await runSwitchboard(['call', 'fidelity__fail', '--data-dir', dataDir])).toMatchObject({ code: 1, stdout: 'it went wrong on purpose\n' });
    const json = await runSwitchboard(['call', 'fidelity__mismatch', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(json.stdout).structuredContent).toEqual({ n: 'not-a-number' });
    const unknown = await runSwitchboard(['call', 'nobody__nothing', '--data-dir', dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown tool: nobody__nothing');
  });

  it('says in one sentence that Switchboard refused the token, for call and for the bridge Claude Desktop runs', async () => {
    const dataDir = tempDir();
    writeConfig(dataDir);
    const serve = await serveReady(dataDir);
    const refused = await runSwitchboard(['call', 'fidelity__fail', '--data-dir', dataDir], { SWITCHBOARD_TOKEN: 'stale' });
    const sentence = `Switchboard at ${serve.base} refused the token from SWITCHBOARD_TOKEN: use its own (the token file in its data dir, or pass its --data-dir); if it was regenerated, export the client's config again`;
    expect(refused).toMatchObject({ code: 2, stdout: '', stderr: `${sentence}\n` });
    // The client's initialize gets the sentence as its JSON-RPC error (Claude Desktop shows it in its MCP log).
    await expect(connectThroughBridge(dataDir, { SWITCHBOARD_TOKEN: 'stale' })).rejects.toThrow(sentence);
  });

  it('says what is wrong with the arguments', async () => {
    expect(await runSwitchboard(['call', 'x__y', '--args', '{oops'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--args is not valid JSON') });
    expect(await runSwitchboard(['call', 'x__y', '--args', '[1]'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--args must be a JSON object') });
  });
});
