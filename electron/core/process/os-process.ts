import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * OS-level process helpers for POSIX process groups (and what Windows offers instead).
 * A server is spawned as the leader of its own group, so its pid is also its group id.
 */

/** True if a process with this pid exists (and we may signal it) and has not exited. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * An exited process its parent has not reaped yet still answers signal 0. In a container whose PID 1 does
 * not reap, a killed Switchboard stays such a zombie, and its data dir must not count as held.
 */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/** True if any process of the group `pgid` is alive. On Windows, where there are no groups, the leader. */
export function isGroupAlive(pgid: number): boolean {
  if (process.platform === 'win32') return isAlive(pgid);
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to every process of the group. Returns false if the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (process.platform === 'win32') {
    // No process groups: taskkill /T walks the tree from the leader; /F is the only way to stop a console app.
    try {
      execFileSync('taskkill', ['/pid', String(pgid), '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])], { stdio: 'ignore', windowsHide: true });
      return true;
    } catch {
      return false;
    }
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * A token that identifies one incarnation of a pid (its start time), so a recycled pid is never
 * mistaken for a process we started. Null when it cannot be read (the process is gone).
 */
export function processStartToken(pid: number): string | null {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 2 (comm) may hold spaces and parentheses: count fields from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19] ?? null; // field 22: starttime in clock ticks since boot
    } catch {
      return null;
    }
  }
  if (process.platform === 'win32') return isAlive(pid) ? 'alive' : null;
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out === '' ? null : out;
  } catch {
    return null;
  }
}

/** Whether the OS has a process stopped (SIGSTOP, a debugger), running, or gone; 'unknown' where it cannot tell. */
export function processState(pid: number): 'stopped' | 'running' | 'gone' | 'unknown' {
  if (process.platform !== 'linux') return 'unknown';
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'T' || state === 't') return 'stopped';
    return state === 'Z' || state === 'X' ? 'gone' : 'running';
  } catch {
    return 'gone';
  }
}

/** Polls until the group has no live process or `timeoutMs` passes. Resolves true if it is gone. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let interval = 10;
  while (isGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(1, deadline - Date.now()))));
    interval = Math.min(interval * 2, 100);
  }
  return true;
}

/**
 * Stops a whole process group: SIGTERM, wait up to `termGraceMs`, then SIGKILL and wait for it to go.
 * Resolves with how it ended.
 */
export async function terminateGroup(pgid: number, termGraceMs: number): Promise<'gone' | 'terminated' | 'killed' | 'survived'> {
  if (!isGroupAlive(pgid)) return 'gone';
  signalGroup(pgid, 'SIGTERM');
  // A stopped process (SIGSTOP, a frozen server) only handles SIGTERM once it runs again.
  signalGroup(pgid, 'SIGCONT');
  if (await waitForGroupExit(pgid, termGraceMs)) return 'terminated';
  signalGroup(pgid, 'SIGKILL');
  return (await waitForGroupExit(pgid, 2000)) ? 'killed' : 'survived';
}
