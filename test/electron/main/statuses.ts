import type { ServerStatus } from '../../../shared/model.ts';

/** A server status as the supervisor reports it, with only what a test cares about spelled out. */
export function status(name: string, fields: Partial<ServerStatus> = {}): ServerStatus {
  return {
    name,
    state: 'ready',
    pid: 1234,
    tools: 0,
    resources: 0,
    prompts: 0,
    restarts: 0,
    lastError: null,
    since: 0,
    readySince: null,
    nextRestartAt: null,
    replicas: { ready: 1, total: 1 },
    ...fields,
  };
}
