import path from 'node:path';
import { parseArgs } from 'node:util';

/** The desktop app's own options: the same `--data-dir` and `--config` as `switchboard serve`. */
export interface AppArgs {
  dataDir: string;
  /** Undefined: the data dir's `mcp.json`. */
  configPath: string | undefined;
}

/** A wrong command line, in one sentence. */
export class AppArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppArgsError';
  }
}

/**
 * Reads our options from Electron's argv. Not strict: Chromium switches (`--no-sandbox`, `--inspect`),
 * macOS's `-psn_…` and the app path share the command line with ours and must pass untouched.
 */
export function parseAppArgs(argv: readonly string[], defaults: { dataDir: string; cwd: string }): AppArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: { config: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const value = (name: 'config' | 'data-dir'): string | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || raw === '' || raw.startsWith('-')) throw new AppArgsError(`--${name} needs a path (--${name} PATH)`);
    return path.resolve(defaults.cwd, raw);
  };
  return { dataDir: value('data-dir') ?? defaults.dataDir, configPath: value('config') };
}
