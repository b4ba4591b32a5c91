// Clients with tokens and profiles of their own, through real SDK clients of both eras over real HTTP: each sees
// and can call only what its profile lets it, a call outside it is answered as a name no server has, a revoked
// token is refused from its next request, and a client hears list_changed only for its own part of the catalog.
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways, type Era } from '../../../helpers/gateway.ts';
import { sleep, waitFor } from '../../../helpers/wait.ts';

let gateway: Awaited<ReturnType<typeof startGateway>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  gateway = await startGateway({
    notes: { command: process.execPath, args: [fixture('annotated.mjs'), 'notes'] },
    mail: { command: process.execPath, args: [fixture('annotated.mjs'), 'mail'] },
  });
  await waitForState(gateway.app, 'notes', 'ready');
  await waitForState(gateway.app, 'mail', 'ready');
  const clients = gateway.app.store.clients;
  tokens.alpha = clients.add('alpha', { servers: ['notes'] }).token;
  // Tools by the name the client sees, and by server/tool.
  tokens.beta = clients.add('beta', { servers: ['mail'], tools: ['mail__send_mail', 'mail/plain'], resources: [] }).token;
  tokens.gone = clients.add('gone', {}).token;
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

const names = (items: { name: string }[]) => items.map((item) => item.name).sort();
const as = (client: string, era: Era, options: Parameters<typeof connectClient>[2] = {}) => connectClient(gateway.mcpUrl, era, { token: tokens[client], ...options });

/** What a client gets for a call: its error's code and message, or its result. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { result: await run() };
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
}

describe.each(['legacy', 'modern'] as const)('profiles, %s client', (era) => {
  it('each client lists only its own servers, tools, prompts and resources', async () => {
    const alpha = await as('alpha', era);
    const beta = await as('beta', era);
    expect(names((await alpha.listTools()).tools)).toEqual(['notes__broken', 'notes__delete_notes', 'notes__ping_fixture', 'notes__plain', 'notes__read_notes', 'notes__send_mail', 'notes__slow']);
    expect(names((await beta.listTools()).tools)).toEqual(['mail__plain', 'mail__send_mail']);
    expect(names((await alpha.listPrompts()).prompts)).toEqual(['notes__greet']);
    // beta's profile names tools only: the prompts of its server are still its to see; resources: none.
    expect(names((await beta.listPrompts()).prompts)).toEqual(['mail__greet']);
    expect((await alpha.listResources()).resources.map((r) => r.uri)).toEqual(['notes://notes']);
    expect((await beta.listResources()).resources).toEqual([]);
  });

  it('a call outside the profile gets exactly the answer of a name no server has', async () => {
    const alpha = await as('alpha', era);
    const beta = await as('beta', era);
    expect(await alpha.callTool({ name: 'notes__plain', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'plain ran' }] });
    // The admin's view says the tool exists: the clients must not be able to tell.
    const hidden = await outcome(() => alpha.callTool({ name: 'mail__plain', arguments: {} }));
    const unknown = await outcome(() => alpha.callTool({ name: 'mail__plian', arguments: {} }));
    expect(hidden).toEqual({ code: (unknown as { code: unknown }).code, message: (unknown as { message: string }).message.replace('mail__plian', 'mail__plain') });
    expect(JSON.stringify(hidden)).not.toContain('did you mean');
    // A tool of its own server that its profile leaves out is unknown too.
    const left = await outcome(() => beta.callTool({ name: 'mail__delete_notes', arguments: {} }));
    expect(left).toMatchObject({ message: expect.stringContaining('Unknown tool: mail__delete_notes') });
    expect(await outcome(() => beta.readResource({ uri: 'notes://notes' }))).toMatchObject({ message: expect.stringContaining('Resource not found: notes://notes') });
    expect(await outcome(() => beta.getPrompt({ name: 'notes__greet', arguments: { who: 'x' } }))).toMatchObject({ message: expect.stringContaining('Unknown prompt: notes__greet') });
    expect(await outcome(() => beta.complete({ ref: { type: 'ref/prompt', name: 'notes__greet' }, argument: { name: 'who', value: 'a' } }))).toMatchObject({ message: expect.stringContaining('Unknown prompt: notes__greet') });
    // The admin sees it all.
    const admin = await connectClient(gateway.mcpUrl, era);
    expect(await admin.callTool({ name: 'mail__plain', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'plain ran' }] });
  });
});

describe('tokens', () => {
  it('a revoked token is refused from its next request, on an open session too', async () => {
    const client = await as('gone', 'legacy');
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    gateway.app.store.clients.revoke('gone');
    const refused = await outcome(() => client.listTools());
    expect(JSON.stringify(refused)).toContain('was revoked in Switchboard');
    await expect(as('gone', 'modern')).rejects.toThrow(/401/);
  });

  it('a session belongs to the client that opened it: another token cannot use it', async () => {
    const alpha = await as('alpha', 'legacy');
    const sessionId = (alpha.transport as unknown as { sessionId: string }).sessionId;
    const response = await fetch(gateway.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.beta}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(response.status).toBe(404);
  });

  it('only the hash of a token is kept', async () => {
    const rows = gateway.app.store.db.prepare('SELECT * FROM clients').all();
    const text = JSON.stringify(rows);
    for (const token of Object.values(tokens)) expect(text).not.toContain(token);
  });
});

describe('list_changed', () => {
  it('a client hears of changes to its own part of the catalog only', async () => {
    const heard: Record<string, number> = { alpha: 0, beta: 0 };
    const listen = (client: Client, who: string) => client.setNotificationHandler('notifications/tools/list_changed', () => void heard[who]!++);
    const alpha = await as('alpha', 'legacy');
    const beta = await as('beta', 'legacy');
    listen(alpha, 'alpha');
    listen(beta, 'beta');
    await gateway.app.supervisor.stop('mail');
    await waitFor(() => heard.beta! > 0, 'beta to hear that its tools changed');
    await sleep(300);
    expect(heard.alpha).toBe(0);
    gateway.app.supervisor.start('mail');
    await waitForState(gateway.app, 'mail', 'ready');
  });
});
