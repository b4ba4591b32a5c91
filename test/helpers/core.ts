import fs from 'node:fs';
import path from 'node:path';
import type { ServerState } from '../../shared/model.ts';
import { isGroupAlive, signalGroup } from '../../electron/core/process/os-process.ts';
import { Switchboard, type SwitchboardOptions } from '../../electron/core/switchboard.ts';
import { repoRoot, tempDir } from './fs.ts';
import { waitFor } from './wait.ts';

const running = new Set<Switchboard>();

/** Starts a real core on a temporary data dir with `servers` as its mcp.json. Stopped by `stopCores`. */
export async function startCore(servers: Record<string, unknown>, options: Partial<SwitchboardOptions> = {}): Promise<{ app: Switchboard; dataDir: string; configPath: string }> {
  const dataDir = options.dataDir ?? tempDir();
  const configPath = options.configPath ?? path.join(dataDir, 'mcp.json');
  fs.writeFileSync(configPath, JSON.stringify({ mcpServers: servers }, null, 2));
  const app = await Switchboard.start({
    dataDir,
    configPath,
    version: 'test',
    resourcesDir: path.join(repoRoot, 'resources'),
    loginShellPath: false,
    // As a plain client would: server-everything then offers its 13 basic tools.
    clientCapabilities: {},
    ...options,
  });
  running.add(app);
  return { app, dataDir, configPath };
}

/**
 * Shuts every core down and fails the test if any process it started is still alive afterwards (those are
 * killed first, so one leak does not spoil the next tests).
 */
export async function stopCores(): Promise<void> {
  const registered = (app: Switchboard) => {
    try {
      return app.store.processes.list();
    } catch {
      return []; // The test shut this core down itself.
    }
  };
  const started = [...running].flatMap((app) => registered(app).map((record) => ({ server: record.server, pgid: record.pgid })));
  await Promise.all([...running].map((app) => app.shutdown(5000)));
  running.clear();
  const leaked = started.filter(({ pgid }) => isGroupAlive(pgid));
  for (const { pgid } of leaked) signalGroup(pgid, 'SIGKILL');
  if (leaked.length > 0) throw new Error(`processes left running after shutdown: ${leaked.map((l) => `${l.server} (group ${l.pgid})`).join(', ')}`);
}

/** Waits until server `name` is in `state` (any of them), and returns its status. */
export function waitForState(app: Switchboard, name: string, state: ServerState | ServerState[], timeoutMs = 30_000) {
  const states = Array.isArray(state) ? state : [state];
  return waitFor(
    () => {
      const status = app.supervisor.get(name)?.status();
      return status && states.includes(status.state) ? status : undefined;
    },
    `${name} to be ${states.join(' or ')} (is ${app.supervisor.get(name)?.status().state}: ${app.supervisor.get(name)?.status().lastError ?? ''})`,
    timeoutMs,
  );
}

/** A server entry that runs a fixture script with this Node. */
export function nodeServer(script: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { command: process.execPath, args: [script], ...extra };
}
