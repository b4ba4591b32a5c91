// Turns the figures of a run into the issue's targets (each met, not met, or missing) and a markdown report.

const find = (figures, match) => figures.find((f) => Object.entries(match).every(([key, value]) => f[key] === value));
const med = (figure) => figure?.summary.median;

/** A number for a table: three significant figures at most, no noise. */
export function fmt(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (Number.isInteger(value)) return value.toLocaleString('en');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function target(id, text, status, measured) {
  return { id, text, status, measured };
}

const verdict = (ok) => (ok ? 'met' : 'not met');

/** The eight targets of the issue, from one run's figures. `missing` when the workload did not run. */
export function evaluateTargets(figures, meta) {
  const targets = [];
  const calls = (path, client, concurrency, metric) => med(find(figures, { path, client, concurrency, metric }));

  // 1. 32 in flight: Switchboard ≥ 3x the faster peer, with both clients.
  {
    const parts = [];
    let ok = true;
    let have = true;
    for (const client of ['sdk', 'lean']) {
      const sb = calls('switchboard', client, 32, 'throughput');
      const peer = Math.max(calls('supergateway', client, 32, 'throughput') ?? NaN, calls('mcp-proxy', client, 32, 'throughput') ?? NaN);
      if (!Number.isFinite(sb) || !Number.isFinite(peer)) have = false;
      ok &&= sb >= 3 * peer;
      parts.push(`${client}: ${fmt(sb)} vs ${fmt(peer)} calls/s = ${fmt(sb / peer)}x`);
    }
    targets.push(target(1, 'Switchboard at 32 in flight ≥ 3x the faster of supergateway and mcp-proxy, both clients', have ? verdict(ok) : 'missing', parts.join('; ')));
  }
  // 2. One at a time, lean: p50 ≤ direct + 0.3 ms.
  {
    const sb = calls('switchboard', 'lean', 1, 'p50');
    const direct = calls('direct', 'lean', 1, 'p50');
    const over = sb - direct;
    targets.push(target(2, 'Switchboard one at a time, lean client: p50 ≤ 0.3 ms above direct stdio', Number.isFinite(over) ? verdict(over <= 0.3) : 'missing', `p50 ${fmt(sb)} ms vs ${fmt(direct)} ms direct: +${fmt(over)} ms`));
  }
  // 3. 32 in flight, lean: ≥ 50% of direct.
  {
    const sb = calls('switchboard', 'lean', 32, 'throughput');
    const direct = calls('direct', 'lean', 32, 'throughput');
    const ratio = (sb / direct) * 100;
    targets.push(target(3, 'Switchboard at 32 in flight, lean client: ≥ 50% of direct stdio throughput', Number.isFinite(ratio) ? verdict(ratio >= 50) : 'missing', `${fmt(sb)} vs ${fmt(direct)} calls/s = ${fmt(ratio)}%`));
  }
  // 4. 1,000 sessions: p95 < 50 ms, errors < 0.1%.
  {
    const p95 = med(find(figures, { path: 'switchboard', metric: 'call p95' }));
    const errors = med(find(figures, { path: 'switchboard', metric: 'errors', unit: '%' }));
    const have = Number.isFinite(p95) && Number.isFinite(errors);
    const floor = med(find(figures, { path: 'http floor', metric: 'call p95' }));
    const floorPart = Number.isFinite(floor) ? ` (the bare HTTP floor, same round: p95 ${fmt(floor)} ms)` : '';
    targets.push(target(4, '1,000 concurrent sessions: call p95 < 50 ms, errors < 0.1%', have ? verdict(p95 < 50 && errors < 0.1) : 'missing', `p95 ${fmt(p95)} ms, errors ${fmt(errors)}%${floorPart}`));
  }
  // 5. 20 servers ready ≤ 1.5x one alone.
  {
    const ratio = med(find(figures, { workload: 'time to ready', unit: 'x' }));
    const fleet = med(find(figures, { workload: 'time to ready', metric: '20 servers, from spawning serve' }));
    const alone = med(find(figures, { workload: 'time to ready', metric: 'one server-everything alone' }));
    targets.push(target(5, '20 servers ready ≤ 1.5x the slowest server alone', Number.isFinite(ratio) ? verdict(ratio <= 1.5) : 'missing', `${fmt(fleet)} ms vs ${fmt(alone)} ms alone = ${fmt(ratio)}x`));
  }
  // 6. RSS ≤ 80 MB after 100k calls with 20 servers; < 5% growth across the soak.
  {
    const rssFigure = find(figures, { id: 'rss-after-calls' });
    const rss = med(rssFigure);
    const growth = med(find(figures, { id: 'soak-growth' }));
    const rssPart = Number.isFinite(rss) ? `${fmt(rss)} MB ${rssFigure.metric}` : 'RSS not measured';
    const full = meta.memoryCalls >= 100_000;
    const soakPart = Number.isFinite(growth) ? `soak growth ${fmt(growth)}%` : 'soak not run (npm run bench -- --soak)';
    let status = 'missing';
    if (Number.isFinite(rss)) {
      if (rss > 80 || (Number.isFinite(growth) && growth >= 5)) status = 'not met';
      else status = full && Number.isFinite(growth) ? 'met' : 'met so far (partial)';
    }
    targets.push(target(6, 'Gateway RSS ≤ 80 MB with 20 servers after 100k calls, < 5% growth over a 10-minute soak', status, `${rssPart}; ${soakPart}${full ? '' : ` (quick run: ${meta.memoryCalls.toLocaleString('en')} calls, not 100k)`}`));
  }
  // 7. Flood: lag p99 < 20 ms, memory bounded, drops counted and logged.
  {
    const p99 = med(find(figures, { id: 'flood-lag-p99' }));
    const floodRss = med(find(figures, { path: 'switchboard (flooding)', metric: 'RSS max' }));
    const quietRss = med(find(figures, { path: 'switchboard (no flood)', metric: 'RSS max' }));
    const written = med(find(figures, { metric: 'lines written' }));
    const kept = med(find(figures, { metric: 'lines kept' }));
    const dropped = med(find(figures, { metric: 'lines counted as dropped in the log' }));
    const bounded = floodRss <= quietRss * 1.25;
    const counted = dropped > 0 && (kept + dropped) / written >= 0.99;
    const have = [p99, floodRss, quietRss, written].every(Number.isFinite);
    targets.push(
      target(
        7,
        'stderr flood: event-loop lag p99 < 20 ms, memory bounded, excess counted as dropped in the log',
        have ? verdict(p99 < 20 && bounded && counted) : 'missing',
        `lag (via /health) p99 ${fmt(p99)} ms; RSS max ${fmt(floodRss)} MB flooding vs ${fmt(quietRss)} MB quiet (bounded: ≤ 1.25x); ` +
          `${fmt(written)} lines written, ${fmt(kept)} kept, ${fmt(dropped)} counted dropped (${fmt(((kept + dropped) / written) * 100)}% accounted for)`,
      ),
    );
  }
  // 8. replicas: 2 ≥ 1.6x replicas: 1.
  {
    const speedup = med(find(figures, { id: 'replicas-speedup' }));
    const missing = find(figures, { path: 'switchboard, replicas: 2' })?.missing;
    targets.push(target(8, '`replicas: 2` ≥ 1.6x the throughput of one replica on a CPU-bound tool', Number.isFinite(speedup) ? verdict(speedup >= 1.6) : 'missing', Number.isFinite(speedup) ? `${fmt(speedup)}x` : (missing ?? 'not run')));
  }
  return targets;
}

/** The whole run as markdown: machine, figures table, targets, profile summary. */
export function markdownReport(result) {
  const { meta, figures, targets, profile } = result;
  const lines = [];
  lines.push(`### Run of ${meta.date} (${meta.mode})`, '');
  lines.push(`${meta.cpus} cores (${meta.cpuModel}), Node ${meta.node}, ${meta.os}; load average at start ${meta.loadAverage.map((l) => l.toFixed(2)).join(' / ')}; commit ${meta.commit}.`);
  if (meta.serveFlags?.length) lines.push(`serve ran with extra Node flags: \`${meta.serveFlags.join(' ')}\` (an experiment, not the product's defaults).`);
  lines.push(`${meta.runs} runs per figure (paths alternating), ${meta.durationMs} ms per measurement after ${meta.warmupMs} ms of warm-up. Median, with the range of the runs.`, '');
  lines.push('| Workload | Path | Client | Metric | Median | Range (min–max) | Spread |', '|---|---|---|---|---:|---|---:|');
  for (const f of figures) {
    if (f.missing) {
      lines.push(`| ${f.workload} | ${f.path} | ${f.client} | ${f.metric} | – | ${f.missing} | |`);
      continue;
    }
    const s = f.summary;
    const range = s.runs.length > 1 ? `${fmt(s.min)} – ${fmt(s.max)}` : '(one run)';
    lines.push(`| ${f.workload} | ${f.path} | ${f.client} | ${f.metric} | ${fmt(s.median)} ${f.unit} | ${range} | ${s.runs.length > 1 ? `${Math.round(s.spreadPct)}%` : ''} |`);
  }
  lines.push('', '| # | Target | Status | Measured |', '|---|---|---|---|');
  for (const t of targets) lines.push(`| ${t.id} | ${t.text} | **${t.status}** | ${t.measured} |`);
  if (profile) {
    lines.push('', `CPU profile of serve at 32 in flight (lean client): ${fmt(profile.throughputUnderProfiler)} calls/s under the profiler, ${profile.busyMs} ms busy of ${profile.totalMs} ms (${profile.file}).`, '');
    lines.push('| Area | Self time | Share of busy |', '|---|---:|---:|');
    for (const a of profile.areas.slice(0, 12)) lines.push(`| ${a.area} | ${a.ms} ms | ${a.pct}% |`);
    lines.push('', '| Function (self time) | Area | Self | Share |', '|---|---|---:|---:|');
    for (const f of profile.topSelf.slice(0, 20)) lines.push(`| \`${f.function}\` | ${f.area} | ${f.ms} ms | ${f.pct}% |`);
    lines.push('', '| Our function (inclusive time) | Inclusive | Share |', '|---|---:|---:|');
    for (const f of profile.topInclusiveOurs.slice(0, 15)) lines.push(`| \`${f.function}\` | ${f.ms} ms | ${f.pct}% |`);
  }
  return lines.join('\n');
}
