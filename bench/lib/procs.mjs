// Every process the harness starts goes through here, so that all of them, and whatever they start in
// turn, end with the run: on success, on an error and on Ctrl+C.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** pid → { child, name } for every process started and not yet seen to exit. */
const running = new Map();
/** Processes found under ours (servers a gateway spawned, …): pid → starttime, killed at the end if still alive. */
const seenDescendants = new Map();

/**
 * Starts a process in its own process group (so a terminal's Ctrl+C reaches only the harness, which then
 * stops gateways in order: a gateway must get SIGTERM to stop its own servers).
 */
export function startProcess(command, args, { name, env = process.env, cwd, stdin = 'ignore', nodeFlags = [] } = {}) {
  const child = spawn(command, [...nodeFlags, ...args], { detached: true, env, cwd, stdio: [stdin, 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${name ?? command}`);
  const entry = { child, name: name ?? command };
  running.set(child.pid, entry);
  child.once('exit', () => running.delete(child.pid));
  return child;
}

/** Registers a process someone else spawned (the SDK's stdio transport) so the final sweep covers it. */
export function adoptProcess(pid) {
  const start = startTime(pid);
  if (start !== undefined) seenDescendants.set(pid, start);
}

/** The process's start time in clock ticks since boot: with the pid, it names one process (pids get reused). */
export function startTime(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Every live process whose ancestry leads to `root`, with its start time. */
export function descendantsOf(root) {
  const parentOf = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), { ppid: Number(fields[1]), start: fields[19] });
    } catch {
      // The process ended while we were listing.
    }
  }
  const found = new Map();
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [];
    for (const [pid, info] of parentOf) if (frontier.includes(info.ppid) && !found.has(pid)) next.push(pid);
    for (const pid of next) found.set(pid, parentOf.get(pid).start);
    frontier = next;
  }
  return found;
}

/** Remembers everything currently running under our processes (called while they run, before stopping). */
export function noteDescendants() {
  for (const pid of running.keys()) for (const [child, start] of descendantsOf(pid)) seenDescendants.set(child, start);
}

function alive(pid, start) {
  return startTime(pid) === start;
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Stops one process the way a user would (SIGTERM, which a gateway answers by stopping its servers), then
 * SIGKILLs its group after `graceMs`. Returns how many of its descendants outlived it by `orphanWaitMs`:
 * the processes it failed to clean up (they are killed here, and the count is reported).
 */
export async function stopProcess(child, { graceMs = 8000, orphanWaitMs = 1500 } = {}) {
  const pid = child.pid;
  const tree = descendantsOf(pid);
  for (const [p, s] of tree) seenDescendants.set(p, s);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  const exited = await waitForExit(child, graceMs);
  if (!exited) killGroup(pid);
  await waitForExit(child, 2000);
  const deadline = Date.now() + orphanWaitMs;
  let survivors = [...tree].filter(([p, s]) => alive(p, s));
  while (survivors.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    survivors = survivors.filter(([p, s]) => alive(p, s));
  }
  for (const [p] of survivors) kill(p);
  return { exitedOnSigterm: exited, leftovers: survivors.length };
}

function kill(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    kill(pid);
  }
}

/** Stops everything still running (errors, Ctrl+C), descendants included. */
export async function stopAll() {
  noteDescendants();
  await Promise.all([...running.values()].map(({ child }) => stopProcess(child, { graceMs: 5000, orphanWaitMs: 500 })));
  sweepSync();
}

/** Last resort, synchronous (process 'exit'): SIGKILL whatever we started or saw that still lives. */
export function sweepSync() {
  for (const { child } of running.values()) killGroup(child.pid);
  for (const [pid, start] of seenDescendants) if (alive(pid, start)) kill(pid);
}

/** VmRSS of one process (not its children) in MB, or undefined when it is gone. */
export function rssMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Collects a child's output lines (bounded) and resolves when a line matches. */
export function waitForLine(child, stream, pattern, timeoutMs, name) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms; output so far:\n${buffer.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk) => {
      buffer = (buffer + chunk.toString('utf8')).slice(-64 * 1024);
      const match = pattern.exec(buffer);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`${name} exited (code ${code}) before printing ${pattern}; output:\n${buffer.slice(-2000)}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child[stream].off('data', onData);
      child.off('exit', onExit);
    };
    child[stream].on('data', onData);
    child.once('exit', onExit);
  });
}

/** Keeps a pipe drained (a full pipe would block the child) while keeping its tail for error messages. */
export function drain(child, stream, keep = 8192) {
  let tail = '';
  child[stream].on('data', (chunk) => {
    tail = (tail + chunk.toString('utf8')).slice(-keep);
  });
  return () => tail;
}
