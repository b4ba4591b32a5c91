// Twenty servers: how long until all are ready (against one server's own time to ready), then the gateway's
// memory (VmRSS of the serve process alone, children excluded) after N calls spread over all twenty, and,
// with --soak, its growth over ten minutes of calls.
import { leanClient, leanStdioClient } from '../lib/clients.mjs';
import { forCount, forDuration } from '../lib/load.mjs';
import { waitUntil } from '../lib/net.mjs';
import { rssMb } from '../lib/procs.mjs';
import { median } from '../lib/stats.mjs';
import { servers, startSwitchboard } from '../lib/paths.mjs';

const FLEET = 20;
const names = Array.from({ length: FLEET }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);

/**
 * One server alone, readied as Switchboard readies it: spawn, initialize, then list its tools, resources
 * and prompts. Raw JSON-RPC (the lean client), so the figure is the server's own time, not a client's.
 */
async function ownTimeToReady() {
  // The capabilities the gateway declares upstream: server-everything offers more tools to such a client.
  const client = leanStdioClient({ kind: 'stdio', ...servers.everything() }, { capabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: {} } });
  const started = performance.now();
  await client.open();
  await Promise.all([client.rpc('tools/list', {}), client.rpc('resources/list', {}), client.rpc('prompts/list', {})]);
  const ms = performance.now() - started;
  await client.close();
  return ms;
}

/** The machine's floor for the fleet: the same servers readied directly, all at once (no gateway). */
async function fleetDirectly() {
  const started = performance.now();
  await Promise.all(names.map(() => ownTimeToReady()));
  return performance.now() - started;
}

/** Starts Switchboard with the fleet and times it until /health says all ready (polled every 10 ms). */
async function fleetTimeToReady() {
  const sb = await startSwitchboard(Object.fromEntries(names.map((name) => [name, servers.everything()])), { label: 'switchboard-fleet', waitReady: false });
  try {
    const health = await waitUntil(async () => {
      const h = await sb.health();
      return h.status === 'ok' && h;
    }, { timeoutMs: 120_000, intervalMs: 10, what: `${FLEET} servers ready` });
    const now = performance.now();
    // From the core's own clock: its start to the last server's ready.
    const coreStartedAt = Date.now() - health.uptimeMs;
    const coreMs = Math.max(...health.servers.map((s) => s.readySince)) - coreStartedAt;
    return { sb, fromSpawnMs: now - sb.spawnedAt, fromEndpointMs: now - sb.endpointAt, coreMs };
  } catch (error) {
    await sb.stop();
    throw error;
  }
}

export async function fleetWorkload(ctx) {
  const own = [];
  const direct = [];
  const fleet = [];
  let sb;
  try {
    for (let run = 0; run < ctx.runs; run++) {
      own.push(await ownTimeToReady());
      direct.push(await fleetDirectly());
      if (sb) await sb.stop();
      const result = await fleetTimeToReady();
      sb = result.sb;
      fleet.push(result);
      ctx.log(`fleet: run ${run + 1}/${ctx.runs}: one server alone ${Math.round(own.at(-1))} ms, ${FLEET} at once directly ${Math.round(direct.at(-1))} ms; ${FLEET} servers ${Math.round(result.fromSpawnMs)} ms from spawn (${Math.round(result.fromEndpointMs)} ms after the endpoint was up)`);
    }
    const ready = 'time to ready';
    ctx.figure({ workload: ready, path: 'direct', client: 'lean', metric: 'one server-everything alone', unit: 'ms', values: own });
    ctx.figure({ workload: ready, path: 'direct', client: 'lean', metric: `${FLEET} servers at once, no gateway (the machine's floor)`, unit: 'ms', values: direct });
    ctx.figure({ workload: ready, path: 'switchboard', client: '-', metric: `${FLEET} servers, from spawning serve`, unit: 'ms', values: fleet.map((f) => f.fromSpawnMs) });
    ctx.figure({ workload: ready, path: 'switchboard', client: '-', metric: `${FLEET} servers, from the core's start`, unit: 'ms', values: fleet.map((f) => f.coreMs) });
    ctx.figure({ workload: ready, path: 'switchboard', client: '-', metric: `${FLEET} servers / one alone`, unit: 'x', values: fleet.map((f, i) => f.fromSpawnMs / own[i]) });

    // Memory, on the fleet instance still running.
    const client = leanClient(sb.target);
    await client.open();
    const tools = names.map((name) => sb.tool(name, 'echo'));
    let next = 0;
    const call = () => client.call(tools[next++ % FLEET], { message: 'hello' });
    const rssReady = rssMb(sb.pid);
    const result = await forCount(call, { concurrency: 32, total: ctx.memoryCalls, onProgress: (done) => done % 50_000 === 0 && ctx.log(`fleet: ${done} calls`) });
    const rssAfter = rssMb(sb.pid);
    await new Promise((r) => setTimeout(r, 2000));
    const rssSettled = rssMb(sb.pid);
    ctx.log(`fleet: ${ctx.memoryCalls} calls at ${Math.round(result.throughput)} calls/s (${result.errors} errors): RSS ${rssReady.toFixed(1)} → ${rssAfter.toFixed(1)} MB (${rssSettled.toFixed(1)} MB 2 s later)`);
    const memory = `gateway RSS, ${FLEET} servers (serve process only)`;
    const base = { workload: memory, path: 'switchboard', client: 'lean' };
    ctx.figure({ ...base, metric: 'when ready', unit: 'MB', values: [rssReady] });
    ctx.figure({ ...base, metric: `after ${ctx.memoryCalls.toLocaleString('en')} calls`, unit: 'MB', values: [rssAfter], id: 'rss-after-calls' });
    ctx.figure({ ...base, metric: 'errors in those calls', unit: 'calls', values: [result.errors], note: result.firstError });

    if (ctx.soakMs > 0) await soak(ctx, sb, call);
    await client.close();
  } finally {
    if (sb) await sb.stop();
  }
}

/** Calls at 32 in flight for `soakMs`, sampling RSS every 5 s: growth is the last minute against the first. */
async function soak(ctx, sb, call) {
  ctx.log(`soak: ${ctx.soakMs / 60_000} min of calls at 32 in flight`);
  const samples = [];
  const started = performance.now();
  const sampler = setInterval(() => samples.push({ t: performance.now() - started, rss: rssMb(sb.pid) }), 5000);
  const result = await forDuration(call, { concurrency: 32, durationMs: ctx.soakMs });
  clearInterval(sampler);
  const window = Math.min(60_000, ctx.soakMs / 4);
  const first = median(samples.filter((s) => s.t <= window).map((s) => s.rss));
  const last = median(samples.filter((s) => s.t >= ctx.soakMs - window).map((s) => s.rss));
  const growth = ((last - first) / first) * 100;
  ctx.log(`soak: ${result.calls} calls (${result.errors} errors); RSS ${first.toFixed(1)} → ${last.toFixed(1)} MB (${growth.toFixed(1)}%)`);
  const base = { workload: `soak, ${ctx.soakMs / 60_000} min at 32 in flight`, path: 'switchboard', client: 'lean' };
  const seconds = Math.round(window / 1000);
  ctx.figure({ ...base, metric: `RSS, median of the first ${seconds} s`, unit: 'MB', values: [first] });
  ctx.figure({ ...base, metric: `RSS, median of the last ${seconds} s`, unit: 'MB', values: [last] });
  ctx.figure({ ...base, metric: 'RSS growth', unit: '%', values: [growth], id: 'soak-growth' });
  ctx.figure({ ...base, metric: 'throughput', unit: 'calls/s', values: [result.throughput] });
  ctx.figure({ ...base, metric: 'errors', unit: 'calls', values: [result.errors], note: result.firstError });
  ctx.soakSamples = samples;
}
