// The measurement loop the A/B workloads share: each path measured in turn at each concurrency, the order reversed
// every other run (so drift on a shared machine lands on every path alike), one figure set per path and concurrency.
import { forDuration } from './load.mjs';

/**
 * `entries`: [{ name, client, tool }] with their clients open. Calls `entry.client.call(entry.tool, args)`; reports
 * throughput, p50 and p99 (and errors, when any) as `workload(concurrency)` figures.
 */
export async function measureAlternating(ctx, entries, { label, concurrencies, args, workload }) {
  const runs = new Map();
  for (let run = 0; run < ctx.runs; run++) {
    for (const concurrency of concurrencies) {
      for (const entry of run % 2 === 0 ? entries : [...entries].reverse()) {
        const result = await forDuration(() => entry.client.call(entry.tool, args), { concurrency, durationMs: ctx.durationMs, warmupMs: ctx.warmupMs });
        const key = `${entry.name}|${concurrency}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push(result);
        ctx.log(`${label}: run ${run + 1}/${ctx.runs} ${concurrency} in flight ${entry.name}: ${result.throughput.toFixed(result.throughput < 100 ? 1 : 0)} calls/s, p50 ${result.p50.toFixed(3)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`);
      }
    }
  }
  for (const [key, results] of runs) {
    const [name, concurrency] = key.split('|');
    const base = { workload: workload(Number(concurrency)), path: name, client: 'lean', concurrency: Number(concurrency) };
    ctx.figure({ ...base, metric: 'throughput', unit: 'calls/s', values: results.map((r) => r.throughput) });
    ctx.figure({ ...base, metric: 'p50', unit: 'ms', values: results.map((r) => r.p50) });
    ctx.figure({ ...base, metric: 'p99', unit: 'ms', values: results.map((r) => r.p99) });
    const errors = results.reduce((sum, r) => sum + r.errors, 0);
    if (errors > 0) ctx.figure({ ...base, metric: 'errors', unit: 'calls', values: results.map((r) => r.errors), note: results.find((r) => r.firstError)?.firstError });
  }
}

/** Opens a client (`make`) for each path into `into`, one by one, so the caller closes whatever opened if one fails. */
export async function openAll(make, paths, into) {
  for (const entry of paths) {
    const client = make(entry.target);
    await client.open();
    into.push({ ...entry, client });
  }
  return into;
}
