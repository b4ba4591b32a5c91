import { isDeepStrictEqual } from 'node:util';
import type { ServerConfig } from './schema.ts';

/** What changed between two configs, by server name. Only these servers start, stop or restart. */
export interface ConfigDiff {
  readonly added: readonly ServerConfig[];
  readonly removed: readonly string[];
  readonly changed: readonly ServerConfig[];
  readonly unchanged: readonly string[];
}

export function diffConfigs(previous: ReadonlyMap<string, ServerConfig>, next: ReadonlyMap<string, ServerConfig>): ConfigDiff {
  const added: ServerConfig[] = [];
  const changed: ServerConfig[] = [];
  const unchanged: string[] = [];
  const removed = [...previous.keys()].filter((name) => !next.has(name));
  for (const [name, config] of next) {
    const before = previous.get(name);
    if (!before) added.push(config);
    else if (isDeepStrictEqual(before, config)) unchanged.push(name);
    else changed.push(config);
  }
  return { added, removed, changed, unchanged };
}

export function isEmptyDiff(diff: ConfigDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
