// Traces of a running `switchboard serve`, exported over OTLP/HTTP to a loopback receiver (decoded with the official
// protobuf definitions), and its log lines as JSON: the client's W3C trace goes on through the gateway to the upstream's `_meta`, a server's
// question to the client is a span of its own, progress and cancellation are span events.
import fs from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../helpers/otlp.ts';
import { cleanupServes, getHealth, startServe, type ServeProcess } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

const TOKEN = 'admin-token-for-the-otlp-test';
let serve: ServeProcess;
let receiver: OtlpReceiver;
let client: Client;

const SERVER = 2;
const CLIENT = 3;

async function spansOf(traceId: string, count: number): Promise<ReceivedSpan[]> {
  return waitFor(() => {
    const spans = receiver.spans.filter((span) => span.traceId === traceId);
    return spans.length >= count ? spans : undefined;
  }, `${count} spans of trace ${traceId} at the collector`, 20_000, 100);
}

describe('OTLP export', () => {
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: { fidelity: { command: process.execPath, args: [fixture('fidelity.mjs')] } } }));
    serve = await startServe(['--data-dir', dataDir, '--log-format', 'json'], {
      SWITCHBOARD_TOKEN: TOKEN,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=key-for-the-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'switchboard-under-test',
    });
    await waitFor(async () => (await getHealth(serve.base)).status === 'ok', 'the server ready');
    client = new Client({ name: 'otlp-test', version: '1' }, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler('elicitation/create', async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { action: 'accept', content: { ok: true } };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  });

  afterAll(async () => {
    await client?.close();
    await cleanupServes();
    await receiver?.close();
    removeTempDirs();
  });

  it("continues the client's trace to the upstream, with the question to the client and progress in it", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const clientSpan = 'b7ad6b7169203331';
    const progress: number[] = [];
    const result = await client.callTool({ name: 'fidelity__traced', arguments: {}, _meta: { traceparent: `00-${traceId}-${clientSpan}-01` } }, { onprogress: (update) => progress.push(update.progress) });
    expect(progress).toEqual([1, 2]);
    const told = JSON.parse((result.content as { text: string }[])[0]!.text) as { meta: { traceparent: string }; answer: { action: string } };
    expect(told.answer.action).toBe('accept');

    const spans = await spansOf(traceId, 3);
    const root = spans.find((span) => span.kind === SERVER)!;
    expect(root).toMatchObject({ parentSpanId: clientSpan, name: 'tools/call traced' });
    expect(root.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'traced', 'gen_ai.operation.name': 'execute_tool', 'switchboard.server': 'fidelity' });
    expect(root.resource).toMatchObject({ 'service.name': 'switchboard-under-test' });

    // The upstream request is the gateway's client span, and the upstream got it as its parent.
    const upstream = spans.find((span) => span.kind === CLIENT && span.name === 'upstream tools/call')!;
    expect(upstream.parentSpanId).toBe(root.spanId);
    expect(told.meta.traceparent).toBe(`00-${traceId}-${upstream.spanId}-01`);
    expect(upstream.events.filter((event) => event.name === 'progress').map((event) => event.attributes)).toEqual([
      { progress: 1, total: 2, message: 'step 1' },
      { progress: 2, total: 2, message: 'step 2' },
    ]);

    // The server's question to the client: a span of its own, inside the upstream request, as long as the client took.
    const asked = spans.find((span) => span.name === 'elicitation/create')!;
    expect(asked).toMatchObject({ kind: CLIENT, parentSpanId: upstream.spanId });
    // The server's stderr line during the call carries its trace, in the JSON lines a log shipper reads.
    const lines = await waitFor(() => {
      const found = serve.stderr().split('\n').filter((line) => line.includes('traced: asking the client'));
      return found.length > 0 ? found : undefined;
    }, 'the server\'s line on stderr');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', stream: 'stderr', server: 'fidelity', message: 'traced: asking the client', trace_id: traceId });
    expect(serve.stderr().split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'))).toEqual([]);
    // Headers from OTEL_EXPORTER_OTLP_HEADERS reach the collector.
    expect(receiver.headers.at(-1)?.['x-collector-key']).toBe('key-for-the-test');
  });

  it('marks a cancelled call with a cancellation event and its error type', async () => {
    const traceId = '1af7651916cd43dd8448eb211c80319c';
    const controller = new AbortController();
    const call = client.callTool({ name: 'fidelity__slow', arguments: { ms: 10_000 }, _meta: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort('the person pressed stop');
    await expect(call).rejects.toThrow();
    const spans = await spansOf(traceId, 2);
    const upstream = spans.find((span) => span.name === 'upstream tools/call')!;
    expect(upstream.events.map((event) => event.name)).toContain('cancelled');
    const root = spans.find((span) => span.kind === SERVER)!;
    expect(root.attributes).toMatchObject({ 'switchboard.status': 'cancelled', 'error.type': 'cancelled' });
  });

});
