import type { ProcessRegistry } from '../store/processes.ts';
import { isAlive, isGroupAlive, processStartToken, terminateGroup } from './os-process.ts';

/** One leftover found at start: a process group a previous run started and never stopped. */
export interface Leftover {
  server: string;
  pid: number;
  command: string;
  outcome: 'terminated' | 'killed' | 'survived';
}

/**
 * Finds the processes a previous run left behind (it crashed or was killed with -9) and stops them.
 * A row whose owner is still alive belongs to a running Switchboard and is left alone; a recycled pid
 * (same number, different start time) is never signalled.
 */
export async function sweepLeftovers(registry: ProcessRegistry, termGraceMs = 2000): Promise<Leftover[]> {
  const found: Leftover[] = [];
  const stops: Promise<void>[] = [];
  for (const record of registry.list()) {
    if (record.ownerPid === process.pid) continue;
    if (isAlive(record.ownerPid) && processStartToken(record.ownerPid) === record.ownerToken) continue;
    const leaderIsOurs = isAlive(record.pid) && processStartToken(record.pid) === record.startToken;
    // The leader may be gone (an `npx` wrapper that died) while its children live on in its group; the
    // kernel does not reuse a pid as long as a group of that id has members, so the group is still ours.
    const groupIsOurs = leaderIsOurs || (!isAlive(record.pid) && isGroupAlive(record.pgid));
    if (!groupIsOurs) {
      registry.remove(record.pid);
      continue;
    }
    stops.push(
      terminateGroup(record.pgid, termGraceMs).then((outcome) => {
        if (outcome !== 'gone') found.push({ server: record.server, pid: record.pid, command: record.command, outcome });
        if (outcome !== 'survived') registry.remove(record.pid);
      }),
    );
  }
  await Promise.all(stops);
  return found;
}
