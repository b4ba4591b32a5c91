// `replicas: 2` against `replicas: 1` of a CPU-bound tool (20 ms of one core per call), 8 calls in flight.
// The config accepts `replicas`, so the harness checks how many copies of the fixture actually run under
// the gateway: with fewer than two, the figure is reported missing instead of measuring one process twice.
import fs from 'node:fs';
import { leanClient } from '../lib/clients.mjs';
import { forDuration } from '../lib/load.mjs';
import { descendantsOf } from '../lib/procs.mjs';
import { servers, startSwitchboard } from '../lib/paths.mjs';

const SPIN_MS = 20;

function fixtureCopies(pid) {
  return [...descendantsOf(pid).keys()].filter((child) => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('cpu-tool.mjs');
    } catch {
      return false;
    }
  }).length;
}

async function measure(ctx, replicas) {
  const sb = await startSwitchboard({ cpu: { ...servers.cpuBound(), replicas } }, { label: `switchboard-replicas-${replicas}` });
  const client = leanClient(sb.target);
  try {
    const copies = fixtureCopies(sb.pid);
    await client.open();
    const result = await forDuration(() => client.call(sb.tool('cpu', 'spin'), { ms: SPIN_MS }), { concurrency: 8, durationMs: ctx.durationMs * 2, warmupMs: ctx.warmupMs });
    return { copies, result };
  } finally {
    await client.close();
    await sb.stop();
  }
}

export async function replicasWorkload(ctx) {
  const one = [];
  const two = [];
  for (let run = 0; run < ctx.runs; run++) {
    for (const replicas of run % 2 === 0 ? [1, 2] : [2, 1]) {
      const measured = await measure(ctx, replicas);
      (replicas === 1 ? one : two).push(measured);
      ctx.log(`replicas: run ${run + 1}/${ctx.runs} replicas: ${replicas}: ${measured.copies} process(es) running, ${Math.round(measured.result.throughput)} calls/s`);
    }
  }
  const workload = `CPU-bound tool (${SPIN_MS} ms/call), 8 in flight`;
  const base = { workload, client: 'lean', metric: 'throughput', unit: 'calls/s' };
  ctx.figure({ ...base, path: 'switchboard, replicas: 1', values: one.map((m) => m.result.throughput) });
  const implemented = two.every((m) => m.copies >= 2);
  if (implemented) {
    ctx.figure({ ...base, path: 'switchboard, replicas: 2', values: two.map((m) => m.result.throughput) });
    ctx.figure({ ...base, path: 'switchboard, replicas: 2 / 1', metric: 'speed-up', unit: 'x', values: two.map((m, i) => m.result.throughput / one[i].result.throughput), id: 'replicas-speedup' });
  } else {
    const copies = two.map((m) => m.copies).join(', ');
    ctx.figure({ ...base, path: 'switchboard, replicas: 2', values: [], missing: `not implemented: with replicas: 2 the gateway ran ${copies} process(es) of the server, so there is no figure` });
  }
}
