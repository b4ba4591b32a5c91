import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { SEPARATOR } from '../../../../shared/tool-names.ts';
import type { CatalogSnapshot, Origin } from '../catalog.ts';
import type { UpstreamPool } from '../pipeline/upstream-pool.ts';

/**
 * The origin of an exposed tool or prompt name. A name of a server that is down (known from when it was last
 * ready, or by its alias prefix) is answered with the server's state, not "unknown": the caller can wait or go
 * another way.
 */
export function resolveName<O extends Origin>(
  snapshot: CatalogSnapshot,
  origins: ReadonlyMap<string, O>,
  name: unknown,
  kind: 'tool' | 'prompt',
  pool: UpstreamPool,
): O {
  if (typeof name !== 'string') throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid params: the ${kind} name must be a string`);
  const origin = origins.get(name);
  if (origin) return origin;
  const down = snapshot.offline.get(name) ?? serverOfPrefix(snapshot, name);
  if (down !== undefined && !pool.isReady(down)) {
    const unavailable = pool.unavailable(down);
    // Where another server offers a tool of the same name, the model can go there.
    const original = kind === 'tool' ? snapshot.offlineTools.get(name) : undefined;
    const elsewhere = original === undefined ? [] : [...snapshot.toolOrigins].filter(([, origin]) => origin.name === original && origin.server !== down).map(([exposed]) => exposed);
    if (elsewhere.length > 0) unavailable.message += ` ${elsewhere.length === 1 ? 'Another server offers a tool of the same name' : 'Other servers offer a tool of the same name'}: ${elsewhere.join(', ')}.`;
    throw unavailable;
  }
  // A server exposed as it is (`prefix: false`) is the server itself when it is the only one: a name it does not
  // list (one it serves only to some clients, or none) is its to answer, as it would directly.
  if (down === undefined && snapshot.unprefixed.length === 1) return { server: snapshot.unprefixed[0]!, name } as O;
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown ${kind}: ${name}${suggestion(name, origins.keys())}`);
}

/** The server whose alias starts a prefixed name (`memory__read_graph` → memory). */
export function serverOfPrefix(snapshot: CatalogSnapshot, name: string): string | undefined {
  const at = name.indexOf(SEPARATOR);
  return at > 0 ? snapshot.serversByAlias.get(name.slice(0, at)) : undefined;
}

/** "; did you mean X?" for a near miss (a typo, another case, the prefix forgotten), or nothing. */
function suggestion(name: string, known: Iterable<string>): string {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    if (lower.endsWith(`${SEPARATOR}${wanted}`)) return `; did you mean ${candidate}?`;
    const distance = editDistance(wanted, lower, bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? `; did you mean ${best}?` : '';
}

/** Levenshtein distance, giving up (returning `cap`) once it is certain to reach `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    previous = current;
  }
  return previous[b.length]!;
}
