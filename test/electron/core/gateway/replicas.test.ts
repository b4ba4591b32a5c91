// replicas: N runs N copies of a server, reported as one, with calls balanced between the ready ones.
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways } from '../../../helpers/gateway.ts';
import { waitFor } from '../../../helpers/wait.ts';

afterEach(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

const pidOf = (result: { content?: unknown }) => Number(/pid (\d+)/.exec((result.content as { text: string }[])[0]!.text)![1]);

describe('replicas', () => {
  it('runs every copy, reports them as one server, and spreads concurrent calls over them', async () => {
    const gateway = await startGateway({ pool: nodeServer(fixture('dynamic.mjs'), { replicas: 2 }) });
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 2, 'both replicas ready');
    const [status] = gateway.app.supervisor.statuses();
    expect(status).toMatchObject({ name: 'pool', state: 'ready', tools: 2, replicas: { ready: 2, total: 2 } });
    const pids = gateway.app.supervisor.replicas('pool').map((replica) => replica.status().pid);
    expect(new Set(pids).size).toBe(2);
    const client = await connectClient(gateway.mcpUrl, 'legacy');
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['pool__add_tool', 'pool__ping_fixture']);
    const results = await Promise.all(Array.from({ length: 12 }, () => client.callTool({ name: 'pool__ping_fixture', arguments: {} })));
    expect(new Set(results.map(pidOf))).toEqual(new Set(pids));
  });

  it('sends each call to the copy with the fewest calls in flight: while one is busy, every quick call goes to the other', async () => {
    const gateway = await startGateway({ pool: nodeServer(fixture('busy.mjs'), { replicas: 2 }) });
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 2, 'both replicas ready');
    const client = await connectClient(gateway.mcpUrl, 'legacy');
    const busy = client.callTool({ name: 'pool__wait', arguments: { ms: 1500 } });
    await waitFor(() => gateway.app.supervisor.replicas('pool').some((replica) => gateway.app.gateway.pool.inFlight(replica.name) === 1), 'the slow call in flight');
    const busyReplica = gateway.app.supervisor.replicas('pool').find((replica) => gateway.app.gateway.pool.inFlight(replica.name) === 1)!;
    const quick: number[] = [];
    for (let i = 0; i < 6; i++) quick.push(pidOf(await client.callTool({ name: 'pool__ping_fixture', arguments: {} })));
    expect(quick).not.toContain(busyReplica.status().pid);
    expect(new Set(quick).size).toBe(1);
    expect(pidOf(await busy)).toBe(busyReplica.status().pid);
    // The pool counts nothing for a replica with nothing in flight.
    expect(gateway.app.gateway.pool.trackedReplicas).toBe(0);
  });

  it('keeps serving from the other copy while one is down, and brings it back', async () => {
    const gateway = await startGateway({ pool: nodeServer(fixture('dynamic.mjs'), { replicas: 2, restart: { initialDelayMs: 3000, maxDelayMs: 3000 } }) });
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 2, 'both replicas ready');
    const [first, second] = gateway.app.supervisor.replicas('pool');
    process.kill(second!.status().pid!, 'SIGKILL');
    // The killed copy comes back only after its backoff (1.5 to 3 s): meanwhile every call goes to the other.
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 1, 'one replica down');
    expect(gateway.app.supervisor.statuses()[0]!.state).toBe('ready');
    const client = await connectClient(gateway.mcpUrl, 'modern');
    const results = await Promise.all(Array.from({ length: 6 }, () => client.callTool({ name: 'pool__ping_fixture', arguments: {} })));
    expect(new Set(results.map(pidOf))).toEqual(new Set([first!.status().pid]));
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 2, 'the replica back');
  });

  it('keeps each client session on one copy for a stateful server', async () => {
    const gateway = await startGateway({ pool: nodeServer(fixture('dynamic.mjs'), { replicas: 3, stateful: true }) });
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 3, 'three replicas ready');
    for (let session = 0; session < 4; session++) {
      const client = await connectClient(gateway.mcpUrl, 'legacy');
      const results = await Promise.all(Array.from({ length: 6 }, () => client.callTool({ name: 'pool__ping_fixture', arguments: {} })));
      expect(new Set(results.map(pidOf)).size).toBe(1);
    }
  });

  it('applies a change of the replica count', async () => {
    const gateway = await startGateway({ pool: nodeServer(fixture('dynamic.mjs'), { replicas: 1 }) });
    await waitForState(gateway.app, 'pool', 'ready');
    gateway.app.config.update((raw) => {
      (raw.mcpServers as Record<string, Record<string, unknown>>).pool!.replicas = 3;
    });
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 3, 'three replicas ready');
    expect(gateway.app.supervisor.statuses()).toHaveLength(1);
  });
});

describe('a replica that dies mid-call', () => {
  it('has a read-only call retried once on another replica, and a call that changes something not retried', async () => {
    const dir = (await import('../../../helpers/fs.ts')).tempDir();
    const countFile = `${dir}/count.txt`;
    const markerFile = `${dir}/marker`;
    const gateway = await startGateway({ pool: nodeServer(fixture('dies-once.mjs'), { replicas: 3, env: { COUNT_FILE: countFile, MARKER_FILE: markerFile }, restart: { initialDelayMs: 5000, maxDelayMs: 5000 } }) });
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 3, 'three replicas ready');
    const client = await connectClient(gateway.mcpUrl, 'legacy');
    const fs = await import('node:fs');
    const lookup = await client.callTool({ name: 'pool__lookup', arguments: {} });
    expect((lookup.content as { text: string }[])[0]!.text).toMatch(/^lookup by pid \d+$/);
    expect(fs.readFileSync(countFile, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    // The retry is in the trace.
    const trace = gateway.app.store.traces.queryTraces({ tool: 'lookup', limit: 1 })[0]!;
    expect(gateway.app.store.traces.getTrace(trace.traceId).spans.map((span) => span.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^retry on pool(#\d)?$/)]));
    // Now a call that is not safe to repeat: the replica that takes it dies; it is not sent again, though another is ready.
    await waitFor(() => gateway.app.supervisor.statuses()[0]?.replicas.ready === 2, 'two replicas left');
    fs.rmSync(markerFile);
    fs.rmSync(countFile);
    const write = await client.callTool({ name: 'pool__write', arguments: {} });
    expect(write).toMatchObject({ isError: true, content: [{ text: 'Server "pool" stopped while handling the request; it was not retried.' }] });
    expect(fs.readFileSync(countFile, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });
});
