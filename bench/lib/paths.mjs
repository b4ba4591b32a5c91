// The ways to reach the same upstream (server-everything over stdio): directly, through Switchboard, through
// supergateway and through mcp-proxy; plus the HTTP floor (no upstream at all). Each path is
//   { name, target, tool(server, tool), pid?, stop() }
// where `target` is what clients.mjs connects to ({ kind: 'stdio', command, args } or { kind: 'http', url, headers }).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertLoopbackOnly, freePort, httpGet, waitForPort, waitUntil } from './net.mjs';
import { drain, startProcess, stopProcess, waitForLine } from './procs.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = process.execPath;
const modulePath = (relative) => path.join(ROOT, 'node_modules', relative);
const FIXTURES = path.join(ROOT, 'bench', 'fixtures');

/** stdio server commands the workloads use, all run by this same Node. */
export const servers = {
  everything: () => ({ command: NODE, args: [modulePath('@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'] }),
  filesystem: (dir) => ({ command: NODE, args: [modulePath('@modelcontextprotocol/server-filesystem/dist/index.js'), dir] }),
  memory: (file) => ({ command: NODE, args: [modulePath('@modelcontextprotocol/server-memory/dist/index.js')], env: { MEMORY_FILE_PATH: file } }),
  /** Our fixture: an echo server that writes `linesPerSecond` lines to stderr from the moment it starts. */
  stderrFlood: (linesPerSecond, countFile) => ({ command: NODE, args: [path.join(FIXTURES, 'stderr-flood.mjs'), String(linesPerSecond), countFile] }),
  /** Our fixture: a `spin` tool that burns CPU for `ms` milliseconds per call. */
  cpuBound: () => ({ command: NODE, args: [path.join(FIXTURES, 'cpu-tool.mjs')] }),
  /** Our fixture: a `big` tool that answers `bytes` characters (1 MB by default). */
  bigResult: () => ({ command: NODE, args: [path.join(FIXTURES, 'big-tool.mjs')] }),
};

const temporaryDirs = new Set();

/** A scratch directory under the OS temp dir, removed by `removeTemporaryDirs`. */
export function temporaryDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `switchboard-bench-${label}-`));
  temporaryDirs.add(dir);
  return dir;
}

export function removeTemporaryDirs() {
  for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
  temporaryDirs.clear();
}

/** The floor: the client spawns the server and talks to it over its stdin/stdout. */
export function directPath() {
  return { name: 'direct', target: { kind: 'stdio', ...servers.everything() }, tool: (_server, tool) => tool, stop: async () => ({ leftovers: 0 }) };
}

/** Where `switchboard serve` runs from: the checkout, or the snapshot `snapshotBuild` made of it. */
let serveRoot = ROOT;

/**
 * Copies the built app (bin/, dist/, resources/, package.json; node_modules linked) to a scratch dir and
 * runs serve from there: a rebuild of dist/ in the middle of a run (tests, another engineer) then cannot
 * change what the later workloads measure.
 */
export function snapshotBuild() {
  const dir = temporaryDir('build');
  for (const entry of ['bin', 'dist', 'resources', 'package.json']) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  serveRoot = dir;
}

/** Extra Node flags for every `switchboard serve` (`--serve-flags`: try a runtime setting without a code change). */
let serveFlags = [];
export function setServeFlags(flags) {
  serveFlags = flags;
}

/**
 * `switchboard serve` from this checkout (dist/, built by run.mjs) with the given `mcpServers` map.
 * Resolves once /health says every server is ready (unless `waitReady` is false).
 */
/** The `switchboard` command of the build being measured (a snapshot of it, when one was taken). */
export function switchboardBin() {
  return path.join(serveRoot, 'bin', 'switchboard.js');
}

export async function startSwitchboard(mcpServers, { label = 'switchboard', nodeFlags = [], waitReady = true, readyTimeoutMs = 60_000, env = {} } = {}) {
  const dir = temporaryDir(label);
  const configFile = path.join(dir, 'mcp.json');
  fs.writeFileSync(configFile, JSON.stringify({ mcpServers }, null, 2));
  const token = crypto.randomBytes(24).toString('hex');
  const spawnedAt = performance.now();
  const child = startProcess(NODE, [path.join(serveRoot, 'bin', 'switchboard.js'), 'serve', '--config', configFile, '--data-dir', path.join(dir, 'data'), '--port', '0', '--no-ui'], {
    name: label,
    env: { ...process.env, SWITCHBOARD_TOKEN: token, ...env },
    nodeFlags: [...serveFlags, ...nodeFlags],
  });
  const stderrTail = drain(child, 'stderr');
  child.stdout.resume();
  let base;
  try {
    const [, url] = await waitForLine(child, 'stdout', /MCP endpoint: (http:\/\/\S+)\/mcp\n/, 30_000, label);
    base = url;
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${error.message}\nstderr:\n${stderrTail()}`, { cause: error });
  }
  const endpointAt = performance.now();
  const sb = {
    name: 'switchboard',
    label,
    pid: child.pid,
    child,
    dataDir: path.join(dir, 'data'),
    base,
    spawnedAt,
    endpointAt,
    stderrTail,
    target: { kind: 'http', url: `${base}/mcp`, headers: { authorization: `Bearer ${token}` } },
    tool: (server, tool) => `${server}__${tool}`,
    health: async () => JSON.parse((await httpGet(`${base}/health`)).body),
    stop: () => stopProcess(child),
  };
  if (waitReady) {
    try {
      await waitUntil(async () => (await sb.health()).status === 'ok', { timeoutMs: readyTimeoutMs, intervalMs: 20, what: `${label}: every server ready` });
    } catch (error) {
      await stopProcess(child);
      throw new Error(`${error.message}\nstderr:\n${stderrTail()}`, { cause: error });
    }
  }
  assertLoopbackOnly(child.pid, label);
  return sb;
}

/** Quotes one argument for the shell command line supergateway runs its server with. */
const shellQuote = (arg) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * supergateway 4, stateful Streamable HTTP. Configured for speed where that changes nothing of the
 * protocol: --logLevel none (its default logs every message). It starts one server process per session.
 */
export async function startSupergateway() {
  const port = await freePort();
  const { command, args } = servers.everything();
  const child = startProcess(
    NODE,
    [
      modulePath('supergateway/dist/index.js'),
      '--stdio',
      [command, ...args].map(shellQuote).join(' '),
      '--outputTransport',
      'streamableHttp',
      '--stateful',
      '--port',
      String(port),
      '--logLevel',
      'none',
    ],
    // It has no option to choose the interface: the preload pins it to 127.0.0.1.
    { name: 'supergateway', nodeFlags: ['--import', new URL('../fixtures/loopback-only.mjs', import.meta.url).href] },
  );
  return httpPeer('supergateway', child, port);
}

/**
 * mcp-proxy 6 (one shared upstream client, a server per session), Streamable HTTP only, bound to
 * 127.0.0.1. --no-eventStore: Switchboard keeps no resumability store either, so neither pays for one.
 */
export async function startMcpProxy() {
  const port = await freePort();
  const { command, args } = servers.everything();
  const child = startProcess(
    NODE,
    [modulePath('mcp-proxy/dist/bin/mcp-proxy.mjs'), '--host', '127.0.0.1', '--port', String(port), '--server', 'stream', '--no-eventStore', '--', command, ...args],
    { name: 'mcp-proxy' },
  );
  return httpPeer('mcp-proxy', child, port);
}

/** The HTTP floor (fixtures/http-floor.mjs): keep-alive HTTP and JSON-RPC framing, nothing else. */
export async function startHttpFloor() {
  const child = startProcess(NODE, [path.join(FIXTURES, 'http-floor.mjs')], { name: 'http-floor' });
  const stderrTail = drain(child, 'stderr');
  let port;
  try {
    [, port] = await waitForLine(child, 'stdout', /listening on (\d+)\n/, 10_000, 'http-floor');
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${error.message}\n${stderrTail()}`, { cause: error });
  }
  child.stdout.resume();
  assertLoopbackOnly(child.pid, 'http-floor');
  return { name: 'http floor', pid: child.pid, child, target: { kind: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: {} }, tool: (_server, tool) => tool, stop: () => stopProcess(child) };
}

/** A stand-in OTLP/HTTP collector (bench/fixtures/otlp-sink.mjs): its traces URL. */
export async function startOtlpSink() {
  const child = startProcess(NODE, [path.join(FIXTURES, 'otlp-sink.mjs')], { name: 'otlp-sink' });
  const [, port] = await waitForLine(child, 'stdout', /listening on (\d+)\n/, 10_000, 'otlp-sink');
  child.stdout.resume();
  assertLoopbackOnly(child.pid, 'otlp-sink');
  return { url: `http://127.0.0.1:${port}/v1/traces`, stop: () => stopProcess(child) };
}

async function httpPeer(name, child, port) {
  const stderrTail = drain(child, 'stderr');
  const stdoutTail = drain(child, 'stdout');
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`${name} exited (code ${code}):\n${stderrTail()}${stdoutTail()}`))));
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port, 30_000), exited]);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  assertLoopbackOnly(child.pid, name);
  return {
    name,
    pid: child.pid,
    child,
    target: { kind: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: {} },
    tool: (_server, tool) => tool,
    stderrTail,
    stop: () => stopProcess(child),
  };
}
