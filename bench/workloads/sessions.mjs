// 1,000 concurrent 2025-era sessions: all initialize at once, then every session calls `echo` at once
// (1,000 calls in flight, one per session). Lean client only: 1,000 SDK clients would spend the client's
// share of the 2 cores on themselves. supergateway is left out: it starts one server process per session
// (1,000 copies of server-everything at ~70 MB each). The HTTP floor (a bare node:http server answering
// the same JSON-RPC, no MCP, no upstream) runs the same round: what any Node HTTP gateway can reach here.
import http from 'node:http';
import { leanHttpClient } from '../lib/clients.mjs';
import { rssMb } from '../lib/procs.mjs';
import { latencySummary } from '../lib/stats.mjs';
import { startHttpFloor, startMcpProxy, startSwitchboard, servers } from '../lib/paths.mjs';

const SESSIONS = 1000;

async function timed(fn) {
  const started = performance.now();
  try {
    await fn();
    return { ms: performance.now() - started };
  } catch (error) {
    return { ms: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

async function oneRound(p) {
  // One pool for all sessions, as many sockets as sessions: each session is its own client in real life.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: SESSIONS });
  const sessions = Array.from({ length: SESSIONS }, () => leanHttpClient(p.target, { agent }));
  const started = performance.now();
  const opens = await Promise.all(sessions.map((session) => timed(() => session.open())));
  const opened = sessions.filter((_, i) => !opens[i].error);
  const calls = await Promise.all(opened.map((session) => timed(() => session.call(p.tool('everything', 'echo'), { message: 'hello' }))));
  const wallMs = performance.now() - started;
  const rss = p.pid ? rssMb(p.pid) : undefined;
  await Promise.all(opened.map((session) => session.close()));
  agent.destroy();
  const failures = [...opens, ...calls].filter((r) => r.error);
  return {
    open: latencySummary(opens.filter((r) => !r.error).map((r) => r.ms)),
    call: latencySummary(calls.filter((r) => !r.error).map((r) => r.ms)),
    // A session counts as failed when its initialize or its call failed.
    errorRate: (failures.length / SESSIONS) * 100,
    firstError: failures[0]?.error,
    wallMs,
    rss,
  };
}

export async function sessionsWorkload(ctx) {
  const paths = [await startSwitchboard({ everything: servers.everything() }, { label: 'switchboard-sessions' }), await startMcpProxy(), await startHttpFloor()];
  try {
    const runs = new Map(paths.map((p) => [p.name, []]));
    for (let run = 0; run < ctx.runs; run++) {
      for (const p of run % 2 === 0 ? paths : [...paths].reverse()) {
        const result = await oneRound(p);
        runs.get(p.name).push(result);
        ctx.log(`sessions: run ${run + 1}/${ctx.runs} ${p.name}: call p95 ${result.call.p95.toFixed(1)} ms, errors ${result.errorRate.toFixed(2)}%${result.firstError ? ` (${result.firstError})` : ''}, ${Math.round(result.wallMs)} ms in all`);
      }
    }
    const workload = `${SESSIONS} concurrent sessions, one call each`;
    for (const [pathName, results] of runs) {
      const base = { workload, path: pathName, client: 'lean' };
      ctx.figure({ ...base, metric: 'call p50', unit: 'ms', values: results.map((r) => r.call.p50) });
      ctx.figure({ ...base, metric: 'call p95', unit: 'ms', values: results.map((r) => r.call.p95) });
      ctx.figure({ ...base, metric: 'initialize p95', unit: 'ms', values: results.map((r) => r.open.p95) });
      ctx.figure({ ...base, metric: 'errors', unit: '%', values: results.map((r) => r.errorRate), note: results.find((r) => r.firstError)?.firstError });
      ctx.figure({ ...base, metric: 'all sessions opened and answered', unit: 'ms', values: results.map((r) => r.wallMs) });
      ctx.figure({ ...base, metric: 'gateway RSS with the sessions open', unit: 'MB', values: results.map((r) => r.rss) });
    }
  } finally {
    for (const p of paths) await p.stop();
  }
}
