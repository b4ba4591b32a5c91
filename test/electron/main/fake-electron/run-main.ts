// Runs an Electron main script in plain Node with the fake `electron` (electron.mjs), and talks to it.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sleep, waitFor } from '../../../helpers/wait.ts';

const register = path.join(import.meta.dirname, 'register.mjs');

/** A message from the fake: a report (`type`) or the answer to a command (`id`). */
export interface Report {
  type?: string;
  id?: number;
  value?: unknown;
  error?: string;
  [key: string]: unknown;
}

export interface MenuEntry {
  label: string;
  enabled: boolean;
  submenu?: MenuEntry[];
}

const running = new Set<ChildProcess>();

/** Starts `entry` (main.ts from source, or a built main.js) with `args` as its command line. */
export function startMain(entry: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = fork(entry, args, {
    execArgv: ['--experimental-transform-types', '--disable-warning=ExperimentalWarning', '--import', register],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  const reports: Report[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', () => {});
  child.on('message', (message: Report) => reports.push(message));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let nextId = 1;
  const command = async <T>(name: string, args: Record<string, unknown> = {}): Promise<T> => {
    const id = nextId++;
    child.send({ id, command: name, ...args });
    const answer = await waitFor(() => reports.find((r) => r.id === id), `the answer to ${name}`);
    if (answer.error) throw new Error(answer.error);
    return answer.value as T;
  };
  const reported = (type: string) => reports.filter((r) => r.type === type);
  return { child, exited, command, reported, stderr: () => stderr };
}

export type MainProcess = ReturnType<typeof startMain>;

/** Stops what a test left running: SIGTERM (the app's own shutdown), then SIGKILL. */
export async function stopMains(): Promise<void> {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(8000)]);
      child.kill('SIGKILL');
    }
  }
  running.clear();
}
