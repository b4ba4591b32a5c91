// The opt-in response cache: answers of read-only tools only, for their TTL, keyed by arguments, bypassable.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways } from '../../../helpers/gateway.ts';
import { sleep } from '../../../helpers/wait.ts';

let gateway: Awaited<ReturnType<typeof startGateway>>;
let countFile: string;
const runs = (label: string) => fs.readFileSync(countFile, 'utf8').split('\n').filter((line) => line.startsWith(`${label} `)).length;

beforeAll(async () => {
  const dir = tempDir();
  countFile = path.join(dir, 'count.txt');
  const marker = path.join(dir, 'marker');
  fs.writeFileSync(marker, 'no dying in this test');
  gateway = await startGateway({ cached: nodeServer(fixture('dies-once.mjs'), { env: { COUNT_FILE: countFile, MARKER_FILE: marker }, cache: { ttlMs: 600 } }) });
  await waitForState(gateway.app, 'cached', 'ready');
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

describe('the response cache', () => {
  it("answers a read-only tool's repeated call from the cache within its TTL, and the trace says so", async () => {
    const client = await connectClient(gateway.mcpUrl, 'legacy');
    const first = await client.callTool({ name: 'cached__lookup', arguments: {} });
    const second = await client.callTool({ name: 'cached__lookup', arguments: {} });
    expect(second.content).toEqual(first.content);
    expect(runs('lookup')).toBe(1);
    const trace = gateway.app.store.traces.queryTraces({ tool: 'lookup', limit: 1 })[0]!;
    expect(gateway.app.store.traces.getTrace(trace.traceId).spans.map((span) => span.name)).toEqual(['tools/call', 'cache hit']);
    // Bypassed on request, and expired after the TTL.
    await client.callTool({ name: 'cached__lookup', arguments: {}, _meta: { 'switchboard/no-cache': true } });
    expect(runs('lookup')).toBe(2);
    await sleep(700);
    await client.callTool({ name: 'cached__lookup', arguments: {} });
    expect(runs('lookup')).toBe(3);
  });

  it('never caches a tool that is not read-only', async () => {
    const client = await connectClient(gateway.mcpUrl, 'modern');
    await client.callTool({ name: 'cached__write', arguments: {} });
    await client.callTool({ name: 'cached__write', arguments: {} });
    expect(runs('write')).toBe(2);
  });
});
