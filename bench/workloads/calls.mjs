// tools/call of server-everything's `echo`, one at a time, 32 and 256 in flight, on every path with both
// clients (and on the HTTP floor, which echoes by itself). Paths alternate within each run (A B C D, then D C B A) so that drift on a shared machine
// (other processes, thermal) lands on every path alike.
import { leanClient, sdkClient } from '../lib/clients.mjs';
import { forDuration } from '../lib/load.mjs';
import { rssMb } from '../lib/procs.mjs';
import { directPath, startHttpFloor, startMcpProxy, startSupergateway, startSwitchboard, servers } from '../lib/paths.mjs';

export const CONCURRENCIES = [1, 32, 256];

export async function callsWorkload(ctx) {
  ctx.log('calls: starting the paths');
  // The HTTP floor is no gateway: it shows what keep-alive HTTP alone costs on this machine, so that the
  // gateways' figures can be read as floor + their own work.
  const paths = [
    directPath(),
    await startSwitchboard({ everything: servers.everything() }, { label: 'switchboard-calls' }),
    await startSupergateway(),
    await startMcpProxy(),
    await startHttpFloor(),
  ];
  const clients = [];
  try {
    for (const path of paths) {
      for (const make of [sdkClient, leanClient]) {
        const client = make(path.target);
        await client.open();
        // The SDK's HTTP transport leaks an abort listener per request (MaxListenersExceededWarning, see
        // RESEARCH.md), so it slows down with the calls it has made: a fresh one for every measurement keeps
        // the fastest path from paying the most for it.
        const fresh = client.name === 'sdk' && path.target.kind === 'http';
        clients.push({ path, client, make, fresh, tool: path.tool('everything', 'echo') });
      }
    }
    const runs = new Map();
    for (let run = 0; run < ctx.runs; run++) {
      for (const concurrency of CONCURRENCIES) {
        const order = run % 2 === 0 ? clients : [...clients].reverse();
        for (const entry of order) {
          const { path, tool } = entry;
          if (entry.fresh) {
            await entry.client.close();
            entry.client = entry.make(path.target);
            await entry.client.open();
          }
          const { client } = entry;
          const result = await forDuration(() => client.call(tool, { message: 'hello' }), { concurrency, durationMs: ctx.durationMs, warmupMs: ctx.warmupMs });
          const key = `${path.name}|${client.name}|${concurrency}`;
          if (!runs.has(key)) runs.set(key, []);
          runs.get(key).push(result);
          ctx.log(`calls: run ${run + 1}/${ctx.runs} ${concurrency} in flight ${path.name}/${client.name}: ${Math.round(result.throughput)} calls/s, p50 ${result.p50.toFixed(3)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`);
        }
      }
    }
    for (const [key, results] of runs) {
      const [path, client, concurrency] = key.split('|');
      const workload = concurrency === '1' ? 'tools/call, one at a time' : `tools/call, ${concurrency} in flight`;
      const base = { workload, path, client, concurrency: Number(concurrency) };
      ctx.figure({ ...base, metric: 'throughput', unit: 'calls/s', values: results.map((r) => r.throughput) });
      ctx.figure({ ...base, metric: 'p50', unit: 'ms', values: results.map((r) => r.p50) });
      ctx.figure({ ...base, metric: 'p99', unit: 'ms', values: results.map((r) => r.p99) });
      const errors = results.reduce((sum, r) => sum + r.errors, 0);
      if (errors > 0) ctx.figure({ ...base, metric: 'errors', unit: 'calls', values: results.map((r) => r.errors), note: results.find((r) => r.firstError)?.firstError });
    }
    // Each gateway's own memory after all of the above (its children excluded), for comparison with fleet.mjs.
    for (const path of paths) {
      if (path.pid) ctx.figure({ workload: 'gateway RSS after the call workloads', path: path.name, client: '-', metric: 'VmRSS, gateway process only', unit: 'MB', values: [rssMb(path.pid)] });
    }
  } finally {
    await Promise.all(clients.map(({ client }) => client.close()));
    for (const path of paths) {
      const stopped = await path.stop();
      if (stopped.leftovers) ctx.log(`calls: ${path.name} left ${stopped.leftovers} process(es) running after SIGTERM (killed)`);
    }
  }
}
