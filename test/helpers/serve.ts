import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { isGroupAlive, signalGroup } from '../../electron/core/process/os-process.ts';
import { repoRoot } from './fs.ts';
import { waitFor } from './wait.ts';

export const switchboardBin = path.join(repoRoot, 'bin', 'switchboard.js');
const runFile = promisify(execFile);

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** `http://127.0.0.1:PORT`, once the endpoint line was printed. */
  base: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const started = new Set<ServeProcess>();
const groupsToReap = new Set<number>();

/** Runs `switchboard serve` as a user would (through bin/switchboard.js) and waits for its endpoint line. */
export async function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [switchboardBin, 'serve', '--port', '0', '--no-ui', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const serve: ServeProcess = { child, base: '', stdout: () => out, stderr: () => err, exited };
  started.add(serve);
  const line = await Promise.race([
    waitFor(() => /MCP endpoint: (http:\/\/\S+)\/mcp/.exec(out), 'the endpoint line', 30_000),
    exited.then((code) => {
      throw new Error(`switchboard serve exited with ${code} before printing its endpoint:\n${err}`);
    }),
  ]);
  serve.base = line[1]!;
  return serve;
}

/** Remembers process groups to SIGKILL after the test, whatever happened in it. */
export function reapLater(pgids: Iterable<number>): void {
  for (const pgid of pgids) groupsToReap.add(pgid);
}

export async function cleanupServes(): Promise<void> {
  for (const serve of started) {
    if (serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGTERM');
      await Promise.race([serve.exited, new Promise((resolve) => setTimeout(resolve, 8000))]);
      serve.child.kill('SIGKILL');
    }
  }
  started.clear();
  for (const pgid of groupsToReap) if (isGroupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  groupsToReap.clear();
}

/** Every process below `root` in the process tree (Linux /proc). */
export function descendants(root: number): { pid: number; pgid: number; command: string }[] {
  const table = new Map<number, { ppid: number; pgid: number; command: string }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      table.set(Number(entry), { ppid: Number(fields[1]), pgid: Number(fields[2]), command });
    } catch {
      // It exited while we looked.
    }
  }
  const found: { pid: number; pgid: number; command: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, info] of table) {
      if (info.ppid === parent) {
        found.push({ pid, pgid: info.pgid, command: info.command });
        queue.push(pid);
      }
    }
  }
  return found;
}

export function isAlivePid(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purposes.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export async function getHealth(base: string): Promise<{ status: string; servers: { name: string; state: string; tools: number; pid: number | null; restarts: number; lastError: string | null }[] }> {
  const response = await fetch(`${base}/health`);
  return (await response.json()) as Awaited<ReturnType<typeof getHealth>>;
}

/** Runs `switchboard ARGS` as a user would, to completion, in an environment without our variables unless given. */
export async function runSwitchboard(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runFile(process.execPath, [switchboardBin, ...args], {
      env: { ...process.env, SWITCHBOARD_TOKEN: undefined, SWITCHBOARD_DATA_DIR: undefined, SWITCHBOARD_URL: undefined, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
