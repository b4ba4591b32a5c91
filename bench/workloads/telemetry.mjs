// What metrics and tracing cost a call: tools/call of server-everything's `echo` through three Switchboards that
// differ only in telemetry: off (SWITCHBOARD_TELEMETRY=off: no metrics step, no spans recorded), on with export off
// (the default: metrics and spans in the local store), and on with OTLP export to a loopback collector stand-in.
// One at a time and 32 in flight, with the HTTP floor beside them; paths alternate within each run, as in calls.mjs.
import { leanClient } from '../lib/clients.mjs';
import { forDuration } from '../lib/load.mjs';
import { servers, startHttpFloor, startOtlpSink, startSwitchboard } from '../lib/paths.mjs';

export async function telemetryWorkload(ctx) {
  ctx.log('telemetry: starting three Switchboards, a collector stand-in and the floor');
  const sink = await startOtlpSink();
  const started = [];
  const clients = [];
  try {
    const variants = [
      ['switchboard, telemetry off', { SWITCHBOARD_TELEMETRY: 'off' }],
      ['switchboard, metrics + traces, export off', {}],
      ['switchboard, metrics + traces, OTLP export on', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.url }],
    ];
    const paths = [];
    for (const [name, env] of variants) {
      const sb = await startSwitchboard({ everything: servers.everything() }, { label: `switchboard-${name.replace(/\W+/g, '-')}`, env });
      started.push(sb);
      paths.push({ name, target: sb.target, tool: 'everything__echo' });
    }
    const floor = await startHttpFloor();
    started.push(floor);
    paths.push({ name: 'http floor', target: floor.target, tool: 'echo' });
    for (const entry of paths) {
      const client = leanClient(entry.target);
      await client.open();
      clients.push({ ...entry, client });
    }
    const runs = new Map();
    for (let run = 0; run < ctx.runs; run++) {
      for (const concurrency of [1, 32]) {
        for (const entry of run % 2 === 0 ? clients : [...clients].reverse()) {
          const result = await forDuration(() => entry.client.call(entry.tool, { message: 'hello' }), { concurrency, durationMs: ctx.durationMs, warmupMs: ctx.warmupMs });
          const key = `${entry.name}|${concurrency}`;
          if (!runs.has(key)) runs.set(key, []);
          runs.get(key).push(result);
          ctx.log(`telemetry: run ${run + 1}/${ctx.runs} ${concurrency} in flight ${entry.name}: ${Math.round(result.throughput)} calls/s, p50 ${result.p50.toFixed(3)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`);
        }
      }
    }
    for (const [key, results] of runs) {
      const [name, concurrency] = key.split('|');
      const base = { workload: concurrency === '1' ? 'telemetry, one at a time' : `telemetry, ${concurrency} in flight`, path: name, client: 'lean', concurrency: Number(concurrency) };
      ctx.figure({ ...base, metric: 'throughput', unit: 'calls/s', values: results.map((r) => r.throughput) });
      ctx.figure({ ...base, metric: 'p50', unit: 'ms', values: results.map((r) => r.p50) });
      ctx.figure({ ...base, metric: 'p99', unit: 'ms', values: results.map((r) => r.p99) });
      const errors = results.reduce((sum, r) => sum + r.errors, 0);
      if (errors > 0) ctx.figure({ ...base, metric: 'errors', unit: 'calls', values: results.map((r) => r.errors), note: results.find((r) => r.firstError)?.firstError });
    }
  } finally {
    await Promise.all(clients.map(({ client }) => client.close()));
    for (const each of started) await each.stop();
    await sink.stop();
  }
}
