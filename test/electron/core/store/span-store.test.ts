// The local store as an OpenTelemetry span processor, on a real sqlite file: a call is one row with its steps,
// a step's own steps (a server's question inside the upstream request) included, events kept, a late step alone.
import { afterAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../../../electron/core/base/redactor.ts';
import { Store } from '../../../../electron/core/store/store.ts';
import { Telemetry } from '../../../../electron/core/telemetry/tracing.ts';
import { removeTempDirs, tempDir } from '../../../helpers/fs.ts';

const stores: Store[] = [];
afterAll(() => {
  for (const store of stores) store.dispose();
  removeTempDirs();
});

function setUp() {
  const redactor = new Redactor();
  redactor.add(['hunter2-secret']);
  const store = Store.open(tempDir(), { redactor });
  stores.push(store);
  const telemetry = new Telemetry({ version: 'test', record: (span) => store.traces.recordSpan(span), redact: (text) => redactor.redact(text), env: {} });
  return { store, tracer: telemetry.tracer };
}

const attributes = { method: 'tools/call', session: 'session-1', client: 'claude', server: null, tool: null, rpcId: '7' };

describe('the store as a span processor', () => {
  it('keeps a call as one row: its steps, nested ones too, with their parents and events', () => {
    const { store, tracer } = setUp();
    const root = tracer.start('tools/call', { ...attributes }, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
    root.attributes.server = 'fidelity';
    root.attributes.tool = 'traced';
    const route = root.child('route');
    route.attributes.server = 'fidelity';
    route.end();
    const upstream = root.child('upstream tools/call', 'client');
    upstream.event('progress', { progress: 1, total: 2, message: 'step 1' });
    const asked = upstream.child('elicitation/create', 'client');
    asked.end('error', 'the person said no to hunter2-secret');
    upstream.end();
    root.end('ok');

    const [row] = store.traces.queryTraces({ traceId: root.traceId });
    expect(row).toMatchObject({ name: 'tools/call', parentSpanId: 'b7ad6b7169203331', server: 'fidelity', tool: 'traced', rpcId: '7', root: true });
    const { spans } = store.traces.getTrace(root.traceId);
    const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
    expect(Object.keys(byName).sort()).toEqual(['elicitation/create', 'route', 'tools/call', 'upstream tools/call']);
    expect(byName['route']).toMatchObject({ parentSpanId: root.spanId, session: 'session-1', client: 'claude', status: 'ok', rpcId: null });
    expect(byName['upstream tools/call']!.events).toEqual([expect.objectContaining({ name: 'progress', attributes: { progress: 1, total: 2, message: 'step 1' } })]);
    expect(byName['elicitation/create']).toMatchObject({ parentSpanId: upstream.spanId, status: 'error', error: expect.not.stringContaining('hunter2-secret') });
    expect(byName['elicitation/create']!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('records a step that ends after its call on its own row, in the same trace', () => {
    const { store, tracer } = setUp();
    const root = tracer.start('tools/call', { ...attributes });
    const parked = root.child('upstream tools/call', 'client');
    root.end('ok');
    parked.end('cancelled', 'the client went away');
    const { spans } = store.traces.getTrace(root.traceId);
    expect(spans.map((span) => [span.name, span.status])).toEqual([
      ['tools/call', 'ok'],
      ['upstream tools/call', 'cancelled'],
    ]);
  });

  it('keeps the trace a transport started for a request that came without one', () => {
    const { store, tracer } = setUp();
    const traceId = '019ad2c3e4f5a6b7c8d9e0f1a2b3c4d5';
    const root = tracer.start('tools/call', { ...attributes }, { traceId, spanId: null });
    root.end('ok');
    expect(store.traces.getTrace(traceId).spans).toHaveLength(1);
    expect(store.traces.getTrace(traceId).spans[0]!.parentSpanId).toBeNull();
  });
});
