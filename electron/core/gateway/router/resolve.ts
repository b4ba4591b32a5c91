import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { SEPARATOR } from '../../../../shared/tool-names.ts';
import { closest } from '../../base/suggest.ts';
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
  const best = closest(name, known, (wanted, candidate) => candidate.endsWith(`${SEPARATOR}${wanted}`));
  return best ? `; did you mean ${best}?` : '';
}
