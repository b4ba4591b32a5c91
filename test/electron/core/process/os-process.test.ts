import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../../../electron/core/process/os-process.ts';
import { waitFor } from '../../../helpers/wait.ts';

const started: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

const stateOf = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined;
  }
};

describe('isAlive', () => {
  it('is true for a running process and false for one that is gone', async () => {
    const child = spawn('sleep', ['30']);
    started.push(child);
    expect(isAlive(child.pid!)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(() => !isAlive(child.pid!), 'the killed process to be gone');
  });

  it.skipIf(process.platform !== 'linux')('counts an exited process its parent never reaped (a zombie) as gone', async () => {
    // sh starts a short child, then becomes `sleep`, which never waits for it: the child stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(parent);
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))));
    await waitFor(() => stateOf(pid) === 'Z', 'the child to become a zombie');
    expect(() => process.kill(pid, 0)).not.toThrow(); // signal 0 still reaches it
    expect(isAlive(pid)).toBe(false);
  });
});
