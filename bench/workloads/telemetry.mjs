// What metrics and tracing cost a call: tools/call of server-everything's `echo` through three Switchboards that
// differ only in telemetry: off (SWITCHBOARD_TELEMETRY=off: no metrics step, no spans recorded), on with export off
// (the default: metrics and spans in the local store), and on with OTLP export to a loopback collector stand-in.
// One at a time and 32 in flight, with the HTTP floor beside them; paths alternate within each run, as in calls.mjs.
import { leanClient } from '../lib/clients.mjs';
import { measureAlternating, openAll } from '../lib/alternate.mjs';
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
    await openAll(leanClient, paths, clients);
    await measureAlternating(ctx, clients, { label: 'telemetry', concurrencies: [1, 32], args: { message: 'hello' }, workload: (c) => (c === 1 ? 'telemetry, one at a time' : `telemetry, ${c} in flight`) });
  } finally {
    await Promise.all(clients.map(({ client }) => client.close()));
    for (const each of started) await each.stop();
    await sink.stop();
  }
}
