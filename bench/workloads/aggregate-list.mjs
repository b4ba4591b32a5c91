// tools/list of a 3-server aggregate (server-everything, -filesystem, -memory) through Switchboard, one at
// a time with both clients. The peers front one server each and cannot aggregate; direct stdio tools/list
// of server-everything alone is the reference.
import path from 'node:path';
import { leanClient, sdkClient } from '../lib/clients.mjs';
import { forDuration } from '../lib/load.mjs';
import { directPath, startSwitchboard, servers, temporaryDir } from '../lib/paths.mjs';

export async function aggregateListWorkload(ctx) {
  const scratch = temporaryDir('aggregate');
  const switchboard = await startSwitchboard(
    { everything: servers.everything(), filesystem: servers.filesystem(scratch), memory: servers.memory(path.join(scratch, 'memory.jsonl')) },
    { label: 'switchboard-aggregate' },
  );
  const paths = [switchboard, directPath()];
  const clients = [];
  try {
    for (const p of paths) {
      for (const make of [sdkClient, leanClient]) {
        const client = make(p.target);
        await client.open();
        clients.push({ path: p, client });
      }
    }
    const toolCount = (await clients[1].client.list()).tools.length;
    ctx.log(`aggregate: ${toolCount} tools through Switchboard`);
    const runs = new Map();
    for (let run = 0; run < ctx.runs; run++) {
      const order = run % 2 === 0 ? clients : [...clients].reverse();
      for (const { path: p, client } of order) {
        const result = await forDuration(() => client.list(), { concurrency: 1, durationMs: ctx.durationMs, warmupMs: ctx.warmupMs });
        const key = `${p.name}|${client.name}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push(result);
        ctx.log(`aggregate: run ${run + 1}/${ctx.runs} ${p.name}/${client.name}: p50 ${result.p50.toFixed(3)} ms`);
      }
    }
    for (const [key, results] of runs) {
      const [pathName, client] = key.split('|');
      const workload = pathName === 'direct' ? 'tools/list, server-everything alone (reference)' : `tools/list, 3-server aggregate (${toolCount} tools)`;
      ctx.figure({ workload, path: pathName, client, metric: 'p50', unit: 'ms', values: results.map((r) => r.p50) });
      ctx.figure({ workload, path: pathName, client, metric: 'throughput', unit: 'lists/s', values: results.map((r) => r.throughput) });
    }
  } finally {
    await Promise.all(clients.map(({ client }) => client.close()));
    await switchboard.stop();
  }
}
