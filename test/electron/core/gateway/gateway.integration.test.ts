// The aggregating gateway over real HTTP, with SDK clients of both protocol eras and real upstream servers.
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binOf, fixture, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways, type Era } from '../../../helpers/gateway.ts';
import { sleep, waitFor } from '../../../helpers/wait.ts';

const everythingBin = binOf('@modelcontextprotocol/server-everything', 'dist/index.js');
let gateway: Awaited<ReturnType<typeof startGateway>>;
let workDir: string;

beforeAll(async () => {
  workDir = tempDir();
  fs.writeFileSync(path.join(workDir, 'hello.txt'), 'hello from the filesystem server\n');
  gateway = await startGateway({
    everything: nodeServer(everythingBin, { args: [everythingBin, 'stdio'] }),
    memory: nodeServer(binOf('@modelcontextprotocol/server-memory', 'dist/index.js'), { env: { MEMORY_FILE_PATH: path.join(workDir, 'memory.jsonl') } }),
    filesystem: nodeServer(binOf('@modelcontextprotocol/server-filesystem', 'dist/index.js'), { args: [binOf('@modelcontextprotocol/server-filesystem', 'dist/index.js'), workDir] }),
    fidelity: nodeServer(fixture('fidelity.mjs')),
  });
  await Promise.all(['everything', 'memory', 'filesystem', 'fidelity'].map((name) => waitForState(gateway.app, name, 'ready')));
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

const text = (result: { content?: unknown }) => (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('');

describe.each<Era>(['legacy', 'modern'])('the gateway to a %s client', (era) => {
  let client: Client;
  beforeAll(async () => {
    client = await connectClient(gateway.mcpUrl, era);
  });

  it('was negotiated in the right era', () => {
    expect(client.getProtocolEra()).toBe(era);
  });

  it("lists every ready server's tools as server__tool, with their definitions intact", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-sum', 'memory__create_entities', 'memory__read_graph', 'filesystem__read_text_file', 'fidelity__link']));
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(names.filter((n) => n.startsWith('memory__'))).toHaveLength(9);
    expect(names.filter((n) => n.startsWith('filesystem__'))).toHaveLength(14);
    const link = tools.find((t) => t.name === 'fidelity__link')!;
    expect(link.annotations).toEqual({ readOnlyHint: true });
    expect(link._meta).toEqual({ 'acme/tag': 'kept' });
    expect(tools.find((t) => t.name === 'fidelity__mismatch')!.outputSchema).toMatchObject({ required: ['n'] });
  });

  it('routes calls to each server', async () => {
    expect(text(await client.callTool({ name: 'everything__echo', arguments: { message: `hi from ${era}` } }))).toBe(`Echo: hi from ${era}`);
    expect(text(await client.callTool({ name: 'everything__get-sum', arguments: { a: 2, b: 40 } }))).toContain('42');
    await client.callTool({ name: 'memory__create_entities', arguments: { entities: [{ name: `entity-${era}`, entityType: 'test', observations: ['seen'] }] } });
    expect(text(await client.callTool({ name: 'memory__read_graph', arguments: {} }))).toContain(`entity-${era}`);
    expect(text(await client.callTool({ name: 'filesystem__read_text_file', arguments: { path: path.join(workDir, 'hello.txt') } }))).toBe('hello from the filesystem server\n');
  });

  it("passes results through untouched, even structured content that breaks the tool's own output schema", async () => {
    // A raw request: the SDK's callTool would itself reject the result against the schema, client-side.
    const mismatch = await client.request({ method: 'tools/call', params: { name: 'fidelity__mismatch', arguments: {} } });
    expect(mismatch.structuredContent).toEqual({ n: 'not-a-number' });
    expect(mismatch._meta).toMatchObject({ 'acme/extra': 1 });
    const failed = await client.callTool({ name: 'fidelity__fail', arguments: {} });
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'it went wrong on purpose' }] });
  });

  it('passes resource links through unchanged, and reads them back from the server that handed them out', async () => {
    const result = await client.callTool({ name: 'fidelity__link', arguments: {} });
    const [link, image] = result.content as unknown as [{ type: string; uri: string }, { type: string; data: string }];
    expect(link).toMatchObject({ type: 'resource_link', uri: 'fixture://thing/1', name: 'thing one' });
    expect(image).toEqual({ type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' });
    // No server lists fixture://thing/1: the gateway remembers which one handed it out.
    const read = await client.readResource({ uri: link.uri });
    expect(read.contents).toEqual([{ uri: 'fixture://thing/1', mimeType: 'text/plain', text: 'content of fixture://thing/1' }]);
  });

  it('passes embedded resources in tool and prompt results through unchanged, and they read back', async () => {
    const result = await client.callTool({ name: 'everything__get-resource-reference', arguments: { resourceType: 'Text', resourceId: 3 } });
    const embedded = (result.content as { type: string; resource?: { uri: string } }[]).find((item) => item.type === 'resource');
    expect(embedded?.resource?.uri).toBe('demo://resource/dynamic/text/3');
    const read = await client.readResource({ uri: embedded!.resource!.uri });
    expect(read.contents[0]!.uri).toBe(embedded!.resource!.uri);
    const prompt = await client.getPrompt({ name: 'everything__resource-prompt', arguments: { resourceType: 'Text', resourceId: '2' } });
    const inPrompt = prompt.messages.map((message) => message.content).find((content) => content.type === 'resource') as { resource: { uri: string } } | undefined;
    expect(inPrompt?.resource.uri).toBe('demo://resource/dynamic/text/2');
  });

  it('lists and reads resources and templates under their own URIs', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain('demo://resource/static/document/architecture.md');
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('demo://resource/dynamic/text/{resourceId}');
    // A URI no server lists, that a template matches, goes to the template's server.
    const read = await client.readResource({ uri: 'demo://resource/dynamic/text/7' });
    expect(read.contents[0]!.uri).toBe('demo://resource/dynamic/text/7');
    // The explicit form names the server (what a collision is resolved with) and reads the same.
    const explicit = await client.readResource({ uri: 'sb://everything/demo://resource/dynamic/text/7' });
    expect(JSON.stringify(explicit.contents[0])).toContain('Resource 7');
    expect({ ...explicit.contents[0], uri: '' }).toEqual({ ...read.contents[0], uri: '' });
    await expect(client.readResource({ uri: 'sb://nobody/x://y' })).rejects.toThrow(/not found/);
    // The Traces page names the server a read went to, as it does for a tool call.
    const reads = gateway.app.store.traces.queryTraces({ limit: 50 }).filter((span) => span.method === 'resources/read' && span.status === 'ok');
    expect(reads.at(-1)?.server).toBe('everything');
  });

  it('lists and gets prompts, and completes their arguments', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['everything__simple-prompt', 'everything__args-prompt']));
    const prompt = await client.getPrompt({ name: 'everything__args-prompt', arguments: { city: 'Lyon', state: 'Rhône' } });
    expect(JSON.stringify(prompt.messages)).toContain('Lyon');
    expect(gateway.app.store.traces.queryTraces({ limit: 50 }).filter((span) => span.method === 'prompts/get').at(-1)?.server).toBe('everything');
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument: { name: 'department', value: 'E' } });
    expect(completion.completion.values).toContain('Engineering');
  });

  it('reports progress with the token the client chose', async () => {
    const progress: number[] = [];
    const result = await client.callTool({ name: 'fidelity__slow', arguments: { ms: 300 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(text(result)).toBe('done after 300 ms');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('cancels the upstream call when the client cancels', async () => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'fidelity__slow', arguments: { ms: 20_000 } }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort('changed my mind');
    await expect(call).rejects.toThrow();
    await waitFor(() => gateway.app.store.logs.query({ server: 'fidelity', text: 'slow call cancelled' }).length > 0, 'the upstream to see the cancellation', 10_000);
  });

  it('answers an unknown tool with an error, and keeps serving', async () => {
    await expect(client.callTool({ name: 'nobody__nothing', arguments: {} })).rejects.toThrow(/Unknown tool: nobody__nothing/);
    expect(text(await client.callTool({ name: 'everything__echo', arguments: { message: 'still here' } }))).toBe('Echo: still here');
  });
});

describe.each<Era>(['legacy', 'modern'])('server-to-client requests through the gateway (%s client)', (era) => {
  it("routes an upstream's sampling and elicitation requests to the client whose call caused them", async () => {
    const asked: string[] = [];
    const client = await connectClient(gateway.mcpUrl, era, {
      capabilities: { sampling: {}, elicitation: { form: {} } },
      setup: (c) => {
        c.setRequestHandler('sampling/createMessage', async (request) => {
          asked.push('sampling');
          return { role: 'assistant', model: 'test-model', content: { type: 'text', text: `sampled: ${JSON.stringify(request.params.messages[0]?.content)}` } };
        });
        c.setRequestHandler('elicitation/create', async () => {
          asked.push('elicitation');
          return { action: 'accept', content: { color: 'blue', number: 7 } };
        });
      },
    });
    const sampled = await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'say hi', maxTokens: 10 } });
    expect(text(sampled)).toContain('sampled:');
    const elicited = await client.callTool({ name: 'everything__trigger-elicitation-request', arguments: {} });
    expect(asked).toEqual(['sampling', 'elicitation']);
    expect(text(elicited)).toMatch(/accept/i);
  });

  it('tells the upstream clearly when the calling client cannot sample', async () => {
    const client = await connectClient(gateway.mcpUrl, era);
    const result = await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'say hi', maxTokens: 10 } });
    expect(text(result)).toMatch(/does not support sampling/);
  });
});

describe('catalog changes', () => {
  it("pushes exactly one list_changed to connected clients per change: a server added to the config, a server's own list_changed", async () => {
    let notified = 0;
    const client = await connectClient(gateway.mcpUrl, 'legacy', { setup: (c) => c.setNotificationHandler('notifications/tools/list_changed', () => void notified++) });
    await client.listTools();
    const config = JSON.parse(fs.readFileSync(gateway.configPath, 'utf8'));
    config.mcpServers.dynamic = nodeServer(fixture('dynamic.mjs'));
    fs.writeFileSync(gateway.configPath, JSON.stringify(config));
    await waitFor(() => notified > 0, 'the list_changed notification');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('dynamic__add_tool');
    // Starting, becoming ready and listing are one change for the client, not several.
    await sleep(500);
    expect(notified).toBe(1);
    // An upstream's own list_changed reaches the client too, once.
    await client.callTool({ name: 'dynamic__add_tool', arguments: {} });
    await waitFor(() => notified > 1, 'the second list_changed');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('dynamic__extra_1');
    await sleep(500);
    expect(notified).toBe(2);
  });
});

describe('what is recorded', () => {
  it('traces every call with gateway and upstream spans, and keeps its messages', async () => {
    const client = await connectClient(gateway.mcpUrl, 'legacy', { name: 'trace-test-client' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await client.callTool({ name: 'everything__echo', arguments: { message: 'traced', api_key: 'sk-secret-value' }, _meta: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const { spans, messages } = gateway.app.store.traces.getTrace(traceId);
    // Routing is a step of its own only when it took a while (a server starting) or failed.
    expect(spans.map((s) => s.name)).toEqual(['tools/call', 'upstream tools/call']);
    const [root, upstream] = spans;
    expect(root).toMatchObject({ parentSpanId: '00f067aa0ba902b7', client: 'trace-test-client', server: 'everything', tool: 'echo', status: 'ok', method: 'tools/call' });
    // A request that continues the client's trace is still listed among the traced requests.
    expect(gateway.app.store.traces.queryTraces({ traceId }).map((s) => s.spanId)).toEqual([root!.spanId]);
    expect(upstream!.parentSpanId).toBe(root!.spanId);
    expect(root!.durationMs).toBeGreaterThanOrEqual(upstream!.durationMs);
    // Both hops: the client's request and our answer, our request upstream (with our traceparent) and its answer.
    const hops = messages.map((m) => `${m.hop}:${m.direction}:${m.method ?? 'result'}`);
    expect(hops).toEqual(['client:in:tools/call', 'server:out:tools/call', 'server:in:result', 'client:out:result']);
    const upstreamRequest = JSON.parse(messages[1]!.body);
    expect(upstreamRequest.params._meta.traceparent).toBe(`00-${traceId}-${upstream!.spanId}-01`);
    expect(upstreamRequest.params.name).toBe('echo');
    // Secrets are redacted in what is kept.
    expect(messages[0]!.body).not.toContain('sk-secret-value');
    expect(messages[0]!.body).toContain('"api_key":"[redacted]"');
  });

  it('keeps the routing step of a call that could not be routed, with why', async () => {
    const client = await connectClient(gateway.mcpUrl, 'legacy');
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4736';
    await client.callTool({ name: 'everything__no_such_tool', arguments: {}, _meta: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } }).catch(() => undefined);
    const { spans } = gateway.app.store.traces.getTrace(traceId);
    const route = spans.find((span) => span.name === 'route');
    expect(route).toMatchObject({ status: 'error', error: expect.stringContaining('no_such_tool') });
  });

  it.each([
    ['the direct path', false, 'legacy'],
    ['the streaming path', true, 'legacy'],
    ['a 2026-07-28 request', false, 'modern'],
  ] as const)('records a cancelled call as cancelled, and the server hears of it (%s)', async (_path, withProgress, era) => {
    const cancelledBefore = gateway.app.store.logs.query({ server: 'fidelity', text: 'slow call cancelled' }).length;
    const client = await connectClient(gateway.mcpUrl, era);
    const controller = new AbortController();
    const call = client.callTool({ name: 'fidelity__slow', arguments: { ms: 20_000 } }, { signal: controller.signal, ...(withProgress ? { onprogress: () => undefined } : {}) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort('changed my mind');
    await expect(call).rejects.toThrow();
    const trace = await waitFor(() => gateway.app.store.traces.queryTraces({ tool: 'slow', limit: 1 }).find((s) => s.status !== 'ok' || s.durationMs > 250), 'the trace of the cancelled call');
    expect(trace.status).toBe('cancelled');
    await waitFor(() => gateway.app.store.logs.query({ server: 'fidelity', text: 'slow call cancelled' }).length > cancelledBefore, 'the server to hear of the cancellation', 5000);
  });

  it('generates a trace for a call without one, and records errors and tool errors', async () => {
    const client = await connectClient(gateway.mcpUrl, 'modern');
    await client.callTool({ name: 'fidelity__fail', arguments: {} });
    await expect(client.callTool({ name: 'nobody__x', arguments: {} })).rejects.toThrow();
    const recent = gateway.app.store.traces.queryTraces({ limit: 10 });
    const failed = recent.filter((s) => s.tool === 'fail').at(-1)!;
    expect(failed).toMatchObject({ status: 'tool-error', server: 'fidelity' });
    expect(failed.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(recent.at(-1)).toMatchObject({ status: 'error', error: 'Unknown tool: nobody__x' });
    expect(gateway.app.store.traces.queryTraces({ server: 'fidelity', status: 'tool-error' }).length).toBeGreaterThanOrEqual(1);
    const { messages } = gateway.app.store.traces.getTrace(failed.traceId);
    expect(messages.map((m) => `${m.hop}:${m.direction}`)).toEqual(['client:in', 'server:out', 'server:in', 'client:out']);
  });
});
