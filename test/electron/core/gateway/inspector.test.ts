// The official MCP Inspector CLI, as its own process, lists and calls tools through /mcp with the bearer token:
// a third-party client we did not write agrees with our endpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { binOf, removeTempDirs, repoRoot, tempDir } from '../../../helpers/fs.ts';
import { nodeServer, stopCores, waitForState } from '../../../helpers/core.ts';
import { startGateway, stopGateways, TEST_TOKEN } from '../../../helpers/gateway.ts';

const everythingBin = binOf('@modelcontextprotocol/server-everything', 'dist/index.js');
const inspectorPackage = path.join(repoRoot, 'node_modules', '@modelcontextprotocol', 'inspector');
// What `npx mcp-inspector` runs, resolved from the installed package (no registry lookup at test time).
const inspectorBin = path.join(inspectorPackage, (JSON.parse(fs.readFileSync(path.join(inspectorPackage, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['mcp-inspector']!);
const RUN_TIMEOUT_MS = 90_000;

let gateway: Awaited<ReturnType<typeof startGateway>>;
let inspectorHome: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  gateway = await startGateway({ everything: nodeServer(everythingBin, { args: [everythingBin, 'stdio'] }) });
  await waitForState(gateway.app, 'everything', 'ready');
  inspectorHome = tempDir('switchboard-inspector-');
});

afterEach(() => {
  // A run that failed or timed out must not outlive its test.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

interface InspectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mcp-inspector --cli <our /mcp> --transport http --header "Authorization: Bearer …" ...args`. */
function inspector(args: string[], token = TEST_TOKEN): Promise<InspectorRun> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Its catalog, client config and OAuth state live under HOME: keep them out of the real one.
    HOME: inspectorHome,
    MCP_CATALOG_PATH: path.join(inspectorHome, 'mcp.json'),
    MCP_CLIENT_CONFIG_PATH: path.join(inspectorHome, 'client.json'),
    // Straight to 127.0.0.1, never through a proxy.
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) delete env[name];
  // Mode flag first; --stored-auth-only so that a 401 fails instead of starting an interactive OAuth login.
  const argv = [inspectorBin, '--cli', gateway.mcpUrl.href, '--transport', 'http', '--header', `Authorization: Bearer ${token}`, '--stored-auth-only', '--format', 'json', '--quiet', ...args];
  expect(gateway.mcpUrl.hostname).toBe('127.0.0.1');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: inspectorHome, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mcp-inspector ${args.join(' ')} did not finish in ${RUN_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The result in the one JSON object the CLI prints with --format json (`{ "result": … }`). */
function resultOf(run: InspectorRun): Record<string, unknown> {
  expect(run.code, `exit code (stderr: ${run.stderr})`).toBe(0);
  let output: { result?: Record<string, unknown> };
  try {
    output = JSON.parse(run.stdout) as typeof output;
  } catch {
    throw new Error(`mcp-inspector printed no JSON object\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
  expect(output.result, run.stdout).toBeDefined();
  return output.result!;
}

// `--protocol-era` picks the client's era: initialize + session (the CLI's default), or 2026-07-28 stateless.
describe.each(['legacy', 'modern'])('the MCP Inspector CLI against /mcp, as a %s client', (era) => {
  it(
    'lists the namespaced tools',
    async () => {
      const result = resultOf(await inspector(['--protocol-era', era, '--method', 'tools/list']));
      const names = (result.tools as { name: string }[]).map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-sum']));
    },
    RUN_TIMEOUT_MS + 10_000,
  );

  it(
    'calls everything__echo with a key=value argument',
    async () => {
      const result = resultOf(await inspector(['--protocol-era', era, '--method', 'tools/call', '--tool-name', 'everything__echo', '--tool-arg', 'message=hi']));
      expect(result.isError ?? false).toBe(false);
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});

describe('the MCP Inspector CLI with a wrong token', () => {
  it(
    'is refused: a non-zero exit, an auth error on stderr, no tools on stdout',
    async () => {
      const run = await inspector(['--method', 'tools/list'], 'wrong-token');
      expect(run.code).not.toBe(0);
      expect(run.stdout).not.toContain('everything__echo');
      expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'auth_required', message: expect.stringContaining('Unauthorized') } });
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});
