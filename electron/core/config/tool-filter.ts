import picomatch from 'picomatch';
import type { ServerConfig } from './schema.ts';

const compiled = new Map<string, (name: string) => boolean>();

/** A `tools.allow`/`deny` pattern: `*` matches any run of characters (bash rules: across `/` too). */
function matcher(pattern: string): (name: string) => boolean {
  let match = compiled.get(pattern);
  if (!match) compiled.set(pattern, (match = picomatch(pattern, { bash: true, dot: true })));
  return match;
}

/** `tools.allow` (when set) and `tools.deny` of a server, by the tool's own name. */
export function isToolAllowed(config: ServerConfig, name: string): boolean {
  const matches = (patterns: readonly string[] | undefined) => patterns?.some((pattern) => matcher(pattern)(name)) ?? false;
  if (config.tools?.allow && !matches(config.tools.allow)) return false;
  return !matches(config.tools?.deny);
}
