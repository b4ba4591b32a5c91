// 1 MB tool results: tools/call of our fixture's `big` tool (1,000,000 characters of text) at 8 in flight, directly
// over stdio and through Switchboard (which records every message, cut to 64 KB and redacted). Paths alternate
// within each run, as in calls.mjs.
import { leanClient } from '../lib/clients.mjs';
import { measureAlternating, openAll } from '../lib/alternate.mjs';
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
    await openAll(leanClient, paths, clients);
    await measureAlternating(ctx, clients, { label: 'large', concurrencies: [8], args: { bytes: 1_000_000 }, workload: (c) => `1 MB results, ${c} in flight` });
  } finally {
    await Promise.all(clients.map(({ client }) => client.close()));
    await sb.stop();
  }
}
