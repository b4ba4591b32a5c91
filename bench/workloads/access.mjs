// What access control costs a call: tools/call of server-everything's `echo` through one Switchboard, as the admin
// (no profile) and as a client with its own token whose every step is on (a profile that names servers and tools,
// a rate limit it never reaches, the policy that allows an unannotated tool, the audit row), one at a time and 32 in
// flight, with the HTTP floor beside them. Paths alternate within each run, as in calls.mjs.
import { execFileSync } from 'node:child_process';
import { leanClient } from '../lib/clients.mjs';
import { forDuration } from '../lib/load.mjs';
import { servers, startHttpFloor, startSwitchboard, switchboardBin } from '../lib/paths.mjs';

export async function accessWorkload(ctx) {
  ctx.log('access: starting Switchboard and the floor');
  const sb = await startSwitchboard({ everything: servers.everything() }, { label: 'switchboard-access' });
  const floor = await startHttpFloor();
  const made = execFileSync(
    process.execPath,
    [switchboardBin(), 'clients', 'add', 'bench', '--data-dir', sb.dataDir, '--servers', 'every*', '--tools', 'everything__*', '--per-minute', '100000000', '--json'],
    { encoding: 'utf8' },
  );
  const { token } = JSON.parse(made);
  const paths = [
    { name: 'switchboard, admin', target: sb.target, tool: 'everything__echo' },
    { name: 'switchboard, client (profile, limit, policy, audit)', target: { ...sb.target, headers: { authorization: `Bearer ${token}` } }, tool: 'everything__echo' },
    { name: 'http floor', target: floor.target, tool: 'echo' },
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
      for (const concurrency of [1, 32]) {
        for (const entry of run % 2 === 0 ? clients : [...clients].reverse()) {
          const result = await forDuration(() => entry.client.call(entry.tool, { message: 'hello' }), { concurrency, durationMs: ctx.durationMs, warmupMs: ctx.warmupMs });
          const key = `${entry.name}|${concurrency}`;
          if (!runs.has(key)) runs.set(key, []);
          runs.get(key).push(result);
          ctx.log(`access: run ${run + 1}/${ctx.runs} ${concurrency} in flight ${entry.name}: ${Math.round(result.throughput)} calls/s, p50 ${result.p50.toFixed(3)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`);
        }
      }
    }
    for (const [key, results] of runs) {
      const [name, concurrency] = key.split('|');
      const base = { workload: concurrency === '1' ? 'access control, one at a time' : `access control, ${concurrency} in flight`, path: name, client: 'lean', concurrency: Number(concurrency) };
      ctx.figure({ ...base, metric: 'throughput', unit: 'calls/s', values: results.map((r) => r.throughput) });
      ctx.figure({ ...base, metric: 'p50', unit: 'ms', values: results.map((r) => r.p50) });
      const errors = results.reduce((sum, r) => sum + r.errors, 0);
      if (errors > 0) ctx.figure({ ...base, metric: 'errors', unit: 'calls', values: results.map((r) => r.errors), note: results.find((r) => r.firstError)?.firstError });
    }
  } finally {
    await Promise.all(clients.map(({ client }) => client.close()));
    await sb.stop();
    await floor.stop();
  }
}
