// A server flooding stderr at 100,000 lines/s beside server-everything. Switchboard has no lag gauge and
// the product code is not ours to change, so event-loop lag is measured from outside: the latency of
// GET /health sampled every 10 ms (a blocked loop answers late), against the same sampling without the
// flood. Also: the gateway's RSS during the flood, and the lines it kept and counted as dropped (from its store).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { rssMb } from '../lib/procs.mjs';
import { latencySummary } from '../lib/stats.mjs';
import { servers, startSwitchboard, temporaryDir } from '../lib/paths.mjs';

const LINES_PER_SECOND = 100_000;
const SAMPLE_EVERY_MS = 10;

/** GET /health every 10 ms for `durationMs`, each on a kept-alive socket of its own (slow ones overlap). */
async function sampleHealth(base, durationMs, pid) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const latencies = [];
  const rss = [];
  let failures = 0;
  const inFlight = new Set();
  const ownLag = monitorEventLoopDelay({ resolution: 5 });
  ownLag.enable();
  const probe = () => {
    const started = performance.now();
    const done = new Promise((resolve) => {
      const request = http.get(`${base}/health`, { agent }, (response) => {
        response.resume();
        response.on('end', () => {
          latencies.push(performance.now() - started);
          resolve();
        });
      });
      request.on('error', () => {
        failures++;
        resolve();
      });
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  const ticker = setInterval(probe, SAMPLE_EVERY_MS);
  const rssTicker = setInterval(() => rss.push(rssMb(pid)), 250);
  await new Promise((r) => setTimeout(r, durationMs));
  clearInterval(ticker);
  clearInterval(rssTicker);
  await Promise.all(inFlight);
  ownLag.disable();
  agent.destroy();
  return { ...latencySummary(latencies), failures, rssMax: Math.max(...rss), rssEnd: rss.at(-1), benchLagP99: ownLag.percentile(99) / 1e6 };
}

/** What the store kept of the flood: stderr lines, and the dropped total from the last "dropped" notice. */
function storeCounts(dataDir, server) {
  const db = new Database(path.join(dataDir, 'switchboard.db'), { readonly: true, fileMustExist: true });
  try {
    const kept = db.prepare("SELECT COUNT(*) AS n FROM logs WHERE server = ? AND stream = 'stderr'").get(server).n;
    const notices = db.prepare("SELECT COUNT(*) AS n FROM logs WHERE server = ? AND message LIKE 'dropped %'").get(server).n;
    const last = db.prepare("SELECT message FROM logs WHERE server = ? AND message LIKE 'dropped %' ORDER BY id DESC LIMIT 1").get(server)?.message;
    const dropped = Number(/\((\d+) dropped in all\)/.exec(last ?? '')?.[1] ?? 0);
    return { kept, dropped, notices, lastNotice: last };
  } finally {
    db.close();
  }
}

async function oneRound(ctx, flooding) {
  const scratch = temporaryDir('flood');
  const countFile = path.join(scratch, 'written');
  const config = { everything: servers.everything() };
  if (flooding) config.flood = servers.stderrFlood(LINES_PER_SECOND, countFile);
  const sb = await startSwitchboard(config, { label: flooding ? 'switchboard-flood' : 'switchboard-no-flood' });
  let sample;
  try {
    sample = await sampleHealth(sb.base, ctx.floodMs, sb.pid);
  } finally {
    await sb.stop();
  }
  if (!flooding) return { sample };
  const written = Number(fs.readFileSync(countFile, 'utf8'));
  return { sample, written, ...storeCounts(sb.dataDir, 'flood') };
}

export async function floodWorkload(ctx) {
  const results = { quiet: [], flood: [] };
  for (let run = 0; run < ctx.runs; run++) {
    for (const flooding of run % 2 === 0 ? [false, true] : [true, false]) {
      const result = await oneRound(ctx, flooding);
      results[flooding ? 'flood' : 'quiet'].push(result);
      const s = result.sample;
      ctx.log(
        `flood: run ${run + 1}/${ctx.runs} ${flooding ? 'flooding' : 'quiet'}: /health p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(1)} ms, RSS max ${s.rssMax.toFixed(1)} MB` +
          (flooding ? `; ${result.written} lines written, ${result.kept} kept, ${result.dropped} counted dropped (${result.notices} notices)` : ''),
      );
    }
  }
  const workload = `stderr flood, ${LINES_PER_SECOND.toLocaleString('en')} lines/s`;
  for (const [kind, runs] of Object.entries(results)) {
    const base = { workload, path: `switchboard (${kind === 'flood' ? 'flooding' : 'no flood'})`, client: '-' };
    ctx.figure({ ...base, metric: 'lag: /health latency p50', unit: 'ms', values: runs.map((r) => r.sample.p50) });
    ctx.figure({ ...base, metric: 'lag: /health latency p99', unit: 'ms', values: runs.map((r) => r.sample.p99), id: kind === 'flood' ? 'flood-lag-p99' : undefined });
    ctx.figure({ ...base, metric: 'lag: /health latency max', unit: 'ms', values: runs.map((r) => r.sample.max) });
    ctx.figure({ ...base, metric: 'RSS max', unit: 'MB', values: runs.map((r) => r.sample.rssMax) });
    ctx.figure({ ...base, metric: "the harness's own loop lag p99", unit: 'ms', values: runs.map((r) => r.sample.benchLagP99) });
    if (kind === 'flood') {
      ctx.figure({ ...base, metric: 'lines written', unit: 'lines', values: runs.map((r) => r.written) });
      ctx.figure({ ...base, metric: 'lines kept', unit: 'lines', values: runs.map((r) => r.kept) });
      ctx.figure({ ...base, metric: 'lines counted as dropped in the log', unit: 'lines', values: runs.map((r) => r.dropped), note: runs.at(-1)?.lastNotice });
      ctx.figure({ ...base, metric: 'lines neither kept nor counted', unit: 'lines', values: runs.map((r) => r.written - r.kept - r.dropped) });
    }
  }
}
