#!/usr/bin/env node
// npm run bench [-- --quick] [-- --soak [--soak-minutes N]] [-- --only calls,sessions,…] [-- --runs N] [-- --no-build]
//                [-- --profile | --no-profile] [-- --serve-flags="--max-semi-space-size=2"]
//                [-- --report bench/results/<time>.json]   (render an earlier run again, nothing is measured)
//
// Measures Switchboard against direct stdio and two peers (supergateway, mcp-proxy) on this machine, writes
// bench/results/<time>.json and .md, and prints the markdown table with the targets. Every process
// it starts is stopped at the end, on an error and on Ctrl+C; everything listens on 127.0.0.1 only.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stopLoad } from './lib/load.mjs';
import { ROOT, removeTemporaryDirs, setServeFlags, snapshotBuild } from './lib/paths.mjs';
import { stopAll, sweepSync } from './lib/procs.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { evaluateTargets, markdownReport } from './lib/report.mjs';
import { acrossRuns } from './lib/stats.mjs';
import { accessWorkload } from './workloads/access.mjs';
import { telemetryWorkload } from './workloads/telemetry.mjs';
import { largeWorkload } from './workloads/large.mjs';
import { aggregateListWorkload } from './workloads/aggregate-list.mjs';
import { callsWorkload } from './workloads/calls.mjs';
import { fleetWorkload } from './workloads/fleet.mjs';
import { floodWorkload } from './workloads/flood.mjs';
import { profileWorkload } from './workloads/profile.mjs';
import { replicasWorkload } from './workloads/replicas.mjs';
import { sessionsWorkload } from './workloads/sessions.mjs';

const WORKLOADS = { calls: callsWorkload, aggregate: aggregateListWorkload, sessions: sessionsWorkload, fleet: fleetWorkload, flood: floodWorkload, replicas: replicasWorkload, access: accessWorkload, telemetry: telemetryWorkload, large: largeWorkload };

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    'soak-minutes': { type: 'string', default: '10' },
    only: { type: 'string' },
    runs: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    profile: { type: 'boolean' },
    'no-profile': { type: 'boolean', default: false },
    'serve-flags': { type: 'string', default: '' },
    report: { type: 'string' },
  },
  strict: true,
});

// --quick trades precision for time (under two minutes); the full run is what BENCHMARKS.md reports.
const settings = args.quick
  ? { runs: 2, durationMs: 300, warmupMs: 100, memoryCalls: 5_000, floodMs: 1500, profileMs: 5000, profile: false }
  : { runs: 5, durationMs: 3000, warmupMs: 500, memoryCalls: 100_000, floodMs: 10_000, profileMs: 15_000, profile: true };
if (args.runs) settings.runs = Number(args.runs);
if (args.profile !== undefined) settings.profile = args.profile;
if (args['no-profile']) settings.profile = false;
const serveFlags = args['serve-flags'].split(/\s+/).filter(Boolean);
setServeFlags(serveFlags);
const soakMs = args.soak ? Number(args['soak-minutes']) * 60_000 : 0;
const selected = args.only ? args.only.split(',').map((name) => name.trim()) : Object.keys(WORKLOADS);
for (const name of selected) if (!WORKLOADS[name] && name !== 'profile') throw new Error(`unknown workload "${name}" (${[...Object.keys(WORKLOADS), 'profile'].join(', ')})`);

const resultsDir = path.join(ROOT, 'bench', 'results');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const startedAt = performance.now();
const log = (message) => process.stderr.write(`[${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

// Whatever happens, nothing we started may outlive us.
process.on('exit', () => sweepSync());
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping every process the benchmark started…`);
    stopLoad();
    void stopAll().finally(() => {
      removeTemporaryDirs();
      process.exit(130);
    });
  });
}

// Node prints every MaxListenersExceededWarning the SDK client triggers (thousands a run): count them
// instead, and say once at the end what was seen.
const warnings = new Map();
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  const key = `${warning.name}: ${warning.message.replace(/\d+/g, 'N')}`;
  warnings.set(key, (warnings.get(key) ?? 0) + 1);
});

/** The commit measured, and which product files differed from it when the build was taken. */
function gitCommit() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const modified = execFileSync('git', ['status', '--porcelain', '--', 'electron', 'shared'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
    return modified.length ? `${commit} plus uncommitted changes to ${modified.join(', ')}` : commit;
  } catch {
    return 'unknown';
  }
}

async function main() {
  if (!args['no-build']) {
    log('building the Node side (npm run build:node) so the run measures this checkout');
    const built = spawnSync('npm', ['run', '--silent', 'build:node'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (built.status !== 0) throw new Error('npm run build:node failed');
  }
  const commit = gitCommit();
  snapshotBuild();
  const meta = {
    date: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg(),
    commit,
    soakMs,
    serveFlags,
    ...settings,
  };
  const figures = [];
  const ctx = {
    ...settings,
    soakMs,
    stamp,
    resultsDir,
    log,
    figure(figure) {
      figures.push({ ...figure, summary: acrossRuns(figure.values ?? []) });
    },
  };
  let profile;
  for (const name of selected) {
    if (interrupted) return;
    if (name === 'profile') continue;
    log(`— ${name}`);
    await WORKLOADS[name](ctx);
  }
  if (settings.profile && !interrupted && (!args.only || selected.includes('profile'))) {
    log('— profile');
    profile = await profileWorkload(ctx);
  }
  meta.warnings = Object.fromEntries(warnings);
  for (const [warning, count] of warnings) log(`warning seen ${count} time(s) in the harness: ${warning}`);
  publish({ meta, figures, targets: evaluateTargets(figures, meta), profile, soakSamples: ctx.soakSamples }, path.join(resultsDir, stamp));
}

/** Writes <base>.json and <base>.md and prints the markdown. */
function publish(result, base) {
  fs.mkdirSync(path.dirname(base), { recursive: true });
  const markdown = markdownReport(result);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, `${markdown}\n`);
  log(`results: ${path.relative(ROOT, base)}.json and .md (${((performance.now() - startedAt) / 1000).toFixed(0)} s in all)`);
  process.stdout.write(`\n${markdown}\n`);
}

/** --report FILE: renders an earlier run again (targets re-evaluated, its CPU profile summarised again). */
function rerender(file) {
  const result = JSON.parse(fs.readFileSync(file, 'utf8'));
  const profileFile = result.profile?.file && path.join(ROOT, result.profile.file);
  if (profileFile && fs.existsSync(profileFile)) result.profile = { ...result.profile, ...summarizeProfile(JSON.parse(fs.readFileSync(profileFile, 'utf8'))) };
  result.targets = evaluateTargets(result.figures, result.meta);
  publish(result, path.resolve(file).replace(/\.json$/, ''));
}

try {
  if (args.report) rerender(args.report);
  else await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
  removeTemporaryDirs();
}
