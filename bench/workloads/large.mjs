// 1 MB tool results: tools/call of our fixture's `big` tool (1,000,000 characters of text) at 8 in flight, directly
// over stdio and through Switchboard (which records every message, cut to 64 KB and redacted). Paths alternate
// within each run, as in calls.mjs.
import { leanClient } from '../lib/clients.mjs';
import { forDuration } from '../lib/load.mjs';
import { servers, startSwitchboard } from '../lib/paths.mjs';

export async function largeWorkload(ctx) {
  ctx.log('large: starting Switchboard with the 1 MB tool');
  const sb = await startSwitchboard({ big: servers.bigResult() }, { label: 'switchboard-large' });
  const paths = [
    { name: 'direct', target: { kind: 'stdio', ...servers.bigResult() }, tool: 'big' },
    { name: 'switchboard', target: sb.target, tool: 'big__big' },
  ];
  const clients = [];
  try {
    for (const entry of paths) {
      const client = leanClient(entry.target);
      await client.open();
      clients.push({ ...entry, client });
    }
    const runs = new Map();
    for (let run = 0; run < ctx.runs; run++) {
      for (const entry of run % 2 === 0 ? clients : [...clients].reverse()) {
        const result = await forDuration(() => entry.client.call(entry.tool, { bytes: 1_000_000 }), { concurrency: 8, durationMs: ctx.durationMs, warmupMs: ctx.warmupMs });
        if (!runs.has(entry.name)) runs.set(entry.name, []);
        runs.get(entry.name).push(result);
        ctx.log(`large: run ${run + 1}/${ctx.runs} ${entry.name}: ${result.throughput.toFixed(1)} calls/s, p50 ${result.p50.toFixed(1)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`);
      }
    }
    for (const [name, results] of runs) {
      const base = { workload: '1 MB results, 8 in flight', path: name, client: 'lean', concurrency: 8 };
      ctx.figure({ ...base, metric: 'throughput', unit: 'calls/s', values: results.map((r) => r.throughput) });
      ctx.figure({ ...base, metric: 'p50', unit: 'ms', values: results.map((r) => r.p50) });
      const errors = results.reduce((sum, r) => sum + r.errors, 0);
      if (errors > 0) ctx.figure({ ...base, metric: 'errors', unit: 'calls', values: results.map((r) => r.errors), note: results.find((r) => r.firstError)?.firstError });
    }
  } finally {
    await Promise.all(clients.map(({ client }) => client.close()));
    await sb.stop();
  }
}
