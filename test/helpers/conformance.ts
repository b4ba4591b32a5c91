import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import ts from 'typescript';
import { repoRoot, tempDir } from './fs.ts';
import { waitFor } from './wait.ts';

/** The conformance suite's own fixture server, vendored verbatim (see test/fixtures/conformance/README.md). */
const FIXTURE_SOURCE = path.join(repoRoot, 'test', 'fixtures', 'conformance', 'everything-server.ts');
const BUILD_DIR = path.join(repoRoot, 'test', 'fixtures', 'conformance', '.build');
export const CONFORMANCE_BIN = path.join(repoRoot, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

/**
 * The fixture as plain JavaScript: its type-only imports are not marked `type`, so Node cannot strip it, and
 * TypeScript's transpiler (which elides them) makes it runnable. Two launch changes, and nothing else: it binds
 * 127.0.0.1 (it binds every interface otherwise) and, with `--stdio`, serves one session on stdin/stdout instead.
 */
export function buildFixture(): string {
  const out = path.join(BUILD_DIR, 'everything-server.mjs');
  const source = fs.readFileSync(FIXTURE_SOURCE, 'utf8');
  const stamp = `// built from ${crypto.createHash('sha256').update(source).update(ts.version).digest('hex')}\n`;
  if (fs.existsSync(out) && fs.readFileSync(out, 'utf8').startsWith(stamp)) return out;
  let js = ts.transpileModule(source.replace(/^#!.*\n/, ''), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const listen = 'app.listen(PORT, () => {';
  if (!js.includes(listen)) throw new Error(`the fixture no longer ends with ${listen}: update buildFixture`);
  js = js.replace(
    listen,
    [
      "if (process.argv.includes('--stdio')) {",
      '  console.log = console.error;',
      "  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');",
      '  await createMcpServer().connect(new StdioServerTransport());',
      "} else app.listen(Number(PORT), '127.0.0.1', () => {",
    ].join('\n'),
  );
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  // Test files build it in parallel: each writes its own file and renames it into place.
  const temp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(temp, stamp + js);
  fs.renameSync(temp, out);
  return out;
}

const children = new Set<ChildProcess>();
const proxies = new Set<http.Server>();

/** The fixture over HTTP on a free loopback port; its `/mcp` URL. */
export async function startFixtureHttp(): Promise<string> {
  const script = buildFixture();
  const port = await freePort();
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => out.includes('MCP endpoint') || child.exitCode !== null, 'the fixture to listen', 20_000);
  if (child.exitCode !== null) throw new Error(`the conformance fixture exited: ${out}`);
  return `http://127.0.0.1:${port}/mcp`;
}

/** The command that runs the fixture as a stdio server (for a config entry). */
export function fixtureStdioCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [buildFixture(), '--stdio'] };
}

/**
 * The suite sends no Authorization header, and Switchboard never runs without one: this loopback proxy adds the
 * token and forwards everything else (the Host and Origin headers too, for the DNS rebinding scenario) as it is.
 */
export async function startAuthProxy(target: string, token: string): Promise<string> {
  const upstream = new URL(target);
  let own = '';
  // Host and Origin keep their names (the DNS rebinding scenario sends foreign ones); only our port becomes the target's.
  const retarget = (value: string | undefined) => (value === undefined ? undefined : value.replace(own, `:${upstream.port}`));
  const server = http.createServer((request, response) => {
    const headers = { ...request.headers, host: retarget(request.headers.host), authorization: `Bearer ${token}` };
    if (request.headers.origin) headers.origin = retarget(request.headers.origin);
    const forwarded = http.request(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
    response.on('close', () => forwarded.destroy());
    request.pipe(forwarded);
  });
  proxies.add(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  own = `:${port}`;
  return `http://127.0.0.1:${port}${upstream.pathname}`;
}

/** One check of one scenario, as the suite reported it. */
export interface CheckOutcome {
  scenario: string;
  check: string;
  status: string;
  message?: string;
}

export type Revision = '2025-11-25' | '2026-07-28';

/** Runs the suite's scored scenarios of one revision against `url`; every check of every scenario. */
export async function runConformance(url: string, revision: Revision): Promise<CheckOutcome[]> {
  const dir = tempDir('switchboard-conformance-');
  const child = spawn(process.execPath, [CONFORMANCE_BIN, 'server', '--url', url, '--requirements', revision, '--timeout', '20000', '-o', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  children.delete(child);
  const outcomes: CheckOutcome[] = [];
  for (const entry of fs.readdirSync(dir)) {
    const scenario = /^server-(.+)-\d{4}-\d\d-\d\dT/.exec(entry)?.[1];
    const file = path.join(dir, entry, 'checks.json');
    if (!scenario || !fs.existsSync(file)) continue;
    const checks = JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string; status: string; errorMessage?: string; details?: unknown }[];
    const seen = new Map<string, number>();
    for (const check of checks) {
      // A scenario may report the same check id more than once: number the repeats.
      const n = (seen.get(check.id) ?? 0) + 1;
      seen.set(check.id, n);
      outcomes.push({ scenario, check: n > 1 ? `${check.id}#${n}` : check.id, status: check.status, message: check.errorMessage ?? (check.status === 'FAILURE' ? JSON.stringify(check.details)?.slice(0, 600) : undefined) });
    }
  }
  if (outcomes.length === 0) throw new Error(`the conformance suite reported nothing:\n${log}`);
  return outcomes;
}

/** What passes against `reference` and does not pass against `candidate`: each as one line. */
export function regressions(reference: readonly CheckOutcome[], candidate: readonly CheckOutcome[]): string[] {
  const got = new Map(candidate.map((outcome) => [`${outcome.scenario} ${outcome.check}`, outcome]));
  const lost: string[] = [];
  for (const outcome of reference) {
    if (outcome.status !== 'SUCCESS') continue;
    const key = `${outcome.scenario} ${outcome.check}`;
    const there = got.get(key);
    if (there?.status !== 'SUCCESS') lost.push(`${key}: ${there ? `${there.status}${there.message ? ` (${there.message})` : ''}` : 'not reported'}`);
  }
  return lost;
}

export async function stopConformance(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await Promise.all([...proxies].map((server) => new Promise((resolve) => server.close(resolve))));
  for (const server of proxies) server.closeAllConnections();
  proxies.clear();
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
