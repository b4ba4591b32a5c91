// `switchboard clients`, `export` and `audit` beside a running `switchboard serve`, as processes, as a user runs them:
// a client made by the CLI is seen by the running Switchboard at once, its revocation counts from its next request,
// the stdio bridge installed for Claude Desktop acts as its own client and survives a rotation, and the audit trail
// comes out as JSONL.
import fs from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, getHealth, runSwitchboard, startServe, type ServeProcess } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

let dataDir: string;
let serve: ServeProcess;
const clients: Client[] = [];

beforeAll(async () => {
  dataDir = tempDir();
  fs.writeFileSync(
    path.join(dataDir, 'mcp.json'),
    JSON.stringify({ mcpServers: { notes: { command: process.execPath, args: [fixture('annotated.mjs'), 'notes'] }, mail: { command: process.execPath, args: [fixture('annotated.mjs'), 'mail'] } } }),
  );
  serve = await startServe(['--data-dir', dataDir]);
  await waitFor(async () => (await getHealth(serve.base)).status === 'ok', 'both servers ready');
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await cleanupServes();
  removeTempDirs();
});

const cli = (...args: string[]) => runSwitchboard([...args, '--data-dir', dataDir]);

async function overHttp(token: string): Promise<Client> {
  const client = new Client({ name: 'http-client', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return client;
}

/** Launches an installed entry the way Claude Desktop does (its command, args and env, with a bare PATH). */
async function launch(entry: { command: string; args: string[]; env?: Record<string, string> }): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { PATH: '/usr/bin:/bin', ...entry.env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'claude-desktop-stand-in', version: '1' });
  clients.push(client);
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

const toolNames = async (client: Client) => (await client.listTools()).tools.map((tool) => tool.name).sort();

describe('switchboard clients', () => {
  it('makes a client whose token the running Switchboard takes at once, limited to its profile; list never shows a token', async () => {
    const made = await cli('clients', 'add', 'bot', '--servers', 'mail', '--tools', 'mail__read_*,mail/plain', '--json');
    expect(made.code).toBe(0);
    const { token } = JSON.parse(made.stdout) as { token: string };
    expect(token).toMatch(/^sbc_/);
    const bot = await overHttp(token);
    expect(await toolNames(bot)).toEqual(['mail__plain', 'mail__read_notes']);

    const listed = await cli('clients', 'list');
    expect(listed.stdout).toMatch(/bot\s+sbc_.{4}…/);
    expect(listed.stdout).not.toContain(token);

    // Revoked from another process: the running Switchboard refuses the token from its next request.
    expect((await cli('clients', 'revoke', 'bot')).code).toBe(0);
    await expect(bot.listTools()).rejects.toThrow(/revoked/);
    const refused = await fetch(`${serve.base}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(refused.status).toBe(401);

    // Rotated, it is back with a new token; the old one stays refused.
    const rotated = JSON.parse((await cli('clients', 'rotate', 'bot', '--json')).stdout) as { token: string };
    expect(await toolNames(await overHttp(rotated.token))).toEqual(['mail__plain', 'mail__read_notes']);
    await expect(overHttp(token)).rejects.toThrow(/knows no client with this token/);
  });

  it('says what is wrong in one sentence', async () => {
    expect(await cli('clients', 'rotate', 'nobody')).toMatchObject({ code: 1, stderr: expect.stringContaining('no client named "nobody"') });
    expect(await cli('clients', 'add', 'bad name')).toMatchObject({ code: 2, stderr: expect.stringContaining("a client's name is") });
    expect(await cli('clients', 'add', 'x', '--per-minute', 'many')).toMatchObject({ code: 2, stderr: expect.stringContaining('--per-minute is a whole number') });
  });
});

describe('an installed Claude Desktop', () => {
  it('acts as its own client through the bridge; a rotation does not break it, a revocation stops it with a sentence', async () => {
    const exported = await cli('export', '--client', 'claude-desktop');
    expect(exported.code).toBe(0);
    const entry = (JSON.parse(exported.stdout) as { mcpServers: { switchboard: { command: string; args: string[]; env?: Record<string, string> } } }).mcpServers.switchboard;
    expect(entry.args).toContain('--client');
    expect(JSON.stringify(entry)).not.toMatch(/sbc_|SWITCHBOARD_TOKEN/);
    expect((await cli('clients', 'set', 'claude-desktop', '--servers', 'notes')).code).toBe(0);

    const desktop = await launch(entry);
    expect(await toolNames(desktop.client)).toEqual(['notes__broken', 'notes__delete_notes', 'notes__ping_fixture', 'notes__plain', 'notes__read_notes', 'notes__send_mail', 'notes__slow']);
    expect((await cli('clients', 'rotate', 'claude-desktop')).code).toBe(0);
    expect(await desktop.client.callTool({ name: 'notes__plain', arguments: {} })).toMatchObject({ content: [{ text: 'plain ran' }] });
    // A new start after the rotation works as well (the bridge reads the data dir's token, never the client's).
    const restarted = await launch(entry);
    expect(await restarted.client.callTool({ name: 'notes__read_notes', arguments: {} })).toMatchObject({ content: [{ text: 'read_notes ran' }] });

    expect((await cli('clients', 'revoke', 'claude-desktop')).code).toBe(0);
    await expect(restarted.client.callTool({ name: 'notes__plain', arguments: {} })).rejects.toThrow(/claude-desktop.*revoked/);
  });

  it('a remote-capable client gets a token of its own in its entry', async () => {
    const exported = await cli('export', '--client', 'cursor', '--as', 'cursor-work');
    expect(exported.stderr).toContain('made the Switchboard client "cursor-work"');
    const entry = (JSON.parse(exported.stdout) as { mcpServers: { switchboard: { url: string; headers: { Authorization: string } } } }).mcpServers.switchboard;
    const token = entry.headers.Authorization.replace('Bearer ', '');
    expect(token).toMatch(/^sbc_/);
    const cursor = await overHttp(token);
    expect((await toolNames(cursor)).length).toBe(14);
  });
});

describe('switchboard audit', () => {
  it('prints the trail, and --json writes JSONL oldest first, filtered by client', async () => {
    const text = await waitFor(async () => {
      const out = (await cli('audit', '--client', 'claude-desktop')).stdout;
      return out.includes('notes__read_notes') ? out : undefined;
    }, 'the bridge calls in the trail');
    expect(text).toMatch(/claude-desktop {2}tools\/call notes__read_notes \(notes\) {2}allowed → ok/);
    const lines = (await cli('audit', '--client', 'claude-desktop', '--json')).stdout.trim().split('\n').map((line) => JSON.parse(line) as { client: string; target: string; time: number });
    expect(lines.map((line) => line.target)).toEqual(['notes__plain', 'notes__read_notes']);
    expect(lines.every((line) => line.client === 'claude-desktop')).toBe(true);
    expect(lines[0]!.time).toBeLessThanOrEqual(lines[1]!.time);
    expect((await cli('audit', '--since', 'yesterday-ish')).stderr).toContain('--since is a duration');
  });
});
