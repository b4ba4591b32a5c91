// Two servers with the same tool, prompt and resource names behind one Switchboard, both `prefix: false`: what is
// unique passes unchanged, what collides is told apart, every name leads back to its server, and nothing is
// renamed when one of them restarts.
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways } from '../../../helpers/gateway.ts';
import { waitFor } from '../../../helpers/wait.ts';

let gateway: Awaited<ReturnType<typeof startGateway>>;
let client: Client;
const twin = (name: string) => nodeServer(fixture('twin.mjs'), { env: { TWIN_NAME: name }, prefix: false });
const text = (result: { content?: unknown }) => (result.content as { text?: string }[]).map((c) => c.text ?? '').join('');

beforeAll(async () => {
  gateway = await startGateway({ left: twin('left'), right: twin('right') });
  await Promise.all(['left', 'right'].map((name) => waitForState(gateway.app, name, 'ready')));
  client = await connectClient(gateway.mcpUrl, 'legacy');
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

async function view() {
  const [{ tools }, { prompts }, { resources }] = await Promise.all([client.listTools(), client.listPrompts(), client.listResources()]);
  return { tools: tools.map((t) => t.name).sort(), prompts: prompts.map((p) => p.name).sort(), resources: resources.map((r) => r.uri).sort() };
}

describe('two servers with colliding names', () => {
  it('expose unique names unchanged and tell the colliding ones apart', async () => {
    expect(await view()).toEqual({
      tools: ['left__who', 'only_left', 'only_right', 'right__who'],
      prompts: ['left__who', 'right__who'],
      resources: ['sb://right/twin://shared', 'twin://left/own', 'twin://right/own', 'twin://shared'],
    });
  });

  it('lead every name and URI back to its own server', async () => {
    expect(text(await client.callTool({ name: 'left__who', arguments: {} }))).toBe('left');
    expect(text(await client.callTool({ name: 'right__who', arguments: {} }))).toBe('right');
    expect(text(await client.callTool({ name: 'only_right', arguments: {} }))).toBe('right');
    expect(JSON.stringify((await client.getPrompt({ name: 'right__who' })).messages)).toContain('I am right');
    const read = async (uri: string) => (await client.readResource({ uri })).contents.map((c) => ({ uri: c.uri, text: 'text' in c ? c.text : '' }));
    expect(await read('twin://shared')).toEqual([{ uri: 'twin://shared', text: 'shared, from left' }]);
    expect(await read('sb://right/twin://shared')).toEqual([{ uri: 'sb://right/twin://shared', text: 'shared, from right' }]);
    expect(await read('twin://right/own')).toEqual([{ uri: 'twin://right/own', text: 'own, from right' }]);
  });

  it('rename nothing while one of them restarts, and after', async () => {
    const before = await view();
    await gateway.app.supervisor.stop('left');
    // While left is down: right's names stay as they were, and left's names say it is stopped.
    const during = await view();
    expect(during.tools).toEqual(['only_right', 'right__who']);
    expect(during.resources).toEqual(['sb://right/twin://shared', 'twin://right/own']);
    // It says which server is down, and where the same tool is served.
    expect(text(await client.callTool({ name: 'left__who', arguments: {} }))).toMatch(/^Server "left" is stopped \(for \d+ m?s\): .* Another server offers a tool of the same name: right__who\.$/);
    gateway.app.supervisor.start('left');
    await waitForState(gateway.app, 'left', 'ready');
    await waitFor(async () => (await view()).tools.length === 4, 'left to be listed again');
    expect(await view()).toEqual(before);
  });
});
