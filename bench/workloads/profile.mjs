// A CPU profile of `switchboard serve` (node --cpu-prof) under the lean client at 32 calls in flight, on a
// separate instance: the profiler slows it, so nothing here feeds the figures.
import fs from 'node:fs';
import path from 'node:path';
import { leanClient } from '../lib/clients.mjs';
import { forDuration } from '../lib/load.mjs';
import { summarizeProfile } from '../lib/profile.mjs';
import { ROOT, servers, startSwitchboard } from '../lib/paths.mjs';

export async function profileWorkload(ctx) {
  const dir = path.join(ctx.resultsDir, `profile-${ctx.stamp}`);
  fs.mkdirSync(dir, { recursive: true });
  const sb = await startSwitchboard({ everything: servers.everything() }, { label: 'switchboard-profiled', nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir] });
  const client = leanClient(sb.target);
  let result;
  try {
    await client.open();
    result = await forDuration(() => client.call(sb.tool('everything', 'echo'), { message: 'hello' }), { concurrency: 32, durationMs: ctx.profileMs, warmupMs: 1000 });
  } finally {
    await client.close();
    // The profile is written when the process exits: SIGTERM lets serve exit on its own.
    await sb.stop();
  }
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}: did serve exit cleanly?`);
  const summary = summarizeProfile(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  ctx.log(`profile: ${Math.round(result.throughput)} calls/s under the profiler; ${summary.busyMs} ms busy of ${summary.totalMs} ms; written to ${path.relative(ROOT, path.join(dir, file))}`);
  return { file: path.relative(ROOT, path.join(dir, file)), throughputUnderProfiler: result.throughput, calls: result.calls, ...summary };
}
