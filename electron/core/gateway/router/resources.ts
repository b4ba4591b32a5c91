import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError, UriTemplate } from '@modelcontextprotocol/server';
import { exposeUri, parseExposedUri, type CatalogSnapshot } from '../catalog.ts';
import type { CallContext, CallResult } from '../pipeline/context.ts';
import { snapshotFor, type Handlers, type RouteDeps } from './router.ts';
import { callUpstream } from './upstream-call.ts';

/** How many URIs handed out in results the gateway remembers the server of. */
const REMEMBERED_URIS = 10_000;

/**
 * Which server handed out a resource URI that no server lists (a tool's resource link, a prompt's embedded
 * resource): a client reading it back reaches that server. Bounded; the oldest are forgotten first.
 */
export class ResourceOwners {
  private readonly owners = new Map<string, string>();

  remember(uri: string, server: string): void {
    if (this.owners.get(uri) === server) return;
    this.owners.delete(uri);
    this.owners.set(uri, server);
    if (this.owners.size > REMEMBERED_URIS) this.owners.delete(this.owners.keys().next().value!);
  }

  ownerOf(uri: string): string | undefined {
    return this.owners.get(uri);
  }
}

/** Where a URI a client sent goes: a server, and the URI as that server knows it. */
export interface ResolvedUri {
  readonly server: string;
  readonly uri: string;
}

/**
 * Routes a resource URI (the rule is in DESIGN.md, "Resource URIs"): our `sb://alias/...` form of a colliding URI;
 * else the server that lists it; else the server whose template matches it (the most specific); else the server
 * that handed it out in a result; else the only server that uses its scheme; else the only server with
 * resources. Anything else is not found, with the URI in the error's data.
 */
export function resolveUri(deps: RouteDeps, ctx: CallContext, uri: unknown): ResolvedUri {
  const resolved = resolveUriIn(deps, ctx, uri);
  // Outside the caller's profile: exactly what a URI no server has gets.
  if (ctx.scope && !(ctx.scope.seesServer(resolved.server) && ctx.scope.seesResource(resolved.server, String(uri)))) {
    throw new ResourceNotFoundError(String(uri), `Resource not found: ${String(uri)} (no server lists it or a template that matches it)`);
  }
  return resolved;
}

function resolveUriIn(deps: RouteDeps, ctx: CallContext, uri: unknown): ResolvedUri {
  if (typeof uri !== 'string') throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid params: uri must be a string');
  const snapshot = snapshotFor(deps, ctx);
  const exposed = parseExposedUri(uri);
  const aliased = exposed && snapshot.serversByAlias.get(exposed.alias);
  if (exposed && aliased) return ready(deps, { server: aliased, uri: exposed.uri });
  const listed = snapshot.resourceOrigins.get(uri);
  if (listed) return listed;
  const templated = matchTemplate(snapshot, uri);
  if (templated) return templated;
  const handedOut = deps.owners.ownerOf(uri);
  if (handedOut !== undefined && (!ctx.scope || ctx.scope.seesServer(handedOut))) return ready(deps, { server: handedOut, uri });
  const offline = snapshot.offline.get(uri);
  if (offline !== undefined) throw deps.pool.unavailable(offline);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  const byScheme = new Set<string>();
  const withResources = new Set<string>();
  for (const [listedUri, origin] of [...snapshot.resourceOrigins, ...snapshot.templateOrigins]) {
    withResources.add(origin.server);
    if (scheme && listedUri.toLowerCase().startsWith(`${scheme}:`)) byScheme.add(origin.server);
  }
  if (byScheme.size === 1) return { server: [...byScheme][0]!, uri };
  if (byScheme.size === 0 && withResources.size === 1) return { server: [...withResources][0]!, uri };
  throw new ResourceNotFoundError(
    uri,
    byScheme.size > 1
      ? `Resource not found: ${uri} (no server lists it, and ${[...byScheme].join(', ')} all use its scheme; read it as sb://<server>/${uri})`
      : `Resource not found: ${uri} (no server lists it or a template that matches it)`,
  );
}

/** A URI of a server that is down is answered with its state. */
function ready(deps: RouteDeps, resolved: ResolvedUri): ResolvedUri {
  if (!deps.pool.isReady(resolved.server)) throw deps.pool.unavailable(resolved.server);
  return resolved;
}

/** The server of the most specific template (the longest literal part) that matches `uri`. */
function matchTemplate(snapshot: CatalogSnapshot, uri: string): ResolvedUri | undefined {
  let best: { resolved: ResolvedUri; literal: number } | undefined;
  for (const [exposed, origin] of snapshot.templateOrigins) {
    if (exposed !== origin.uri) continue; // A rewritten (colliding) template is reached through its sb:// form.
    let matched: boolean;
    try {
      matched = new UriTemplate(origin.uri).match(uri) !== null;
    } catch {
      matched = false; // A template the SDK cannot parse matches nothing.
    }
    if (!matched) continue;
    const literal = origin.uri.replace(/\{[^}]*\}/g, '').length;
    if (!best || literal > best.literal) best = { resolved: { server: origin.server, uri }, literal };
  }
  return best?.resolved;
}

/**
 * The URI a client sees for a resource of `server`: as it is, unless another server lists it too (or instead),
 * where it becomes `sb://alias/uri` so that reading it back reaches `server`. URIs passed as they are remembered.
 */
export function exposeResourceUri(deps: RouteDeps, server: string, uri: string): string {
  const snapshot = deps.catalog.snapshot;
  const listers = snapshot.uriListers.get(uri);
  if (listers && listers[0] !== server) return exposeUri(snapshot.aliases.get(server) ?? server, uri);
  if (!listers) deps.owners.remember(uri, server);
  return uri;
}

/** Content blocks with the URIs of resource links and embedded resources exposed for the client. */
export function exposeContent<T>(deps: RouteDeps, server: string, content: readonly T[]): T[] {
  return content.map((item) => {
    const block = item as { type?: unknown; uri?: unknown; resource?: { uri?: unknown } };
    if (block.type === 'resource_link' && typeof block.uri === 'string') {
      const uri = exposeResourceUri(deps, server, block.uri);
      return uri === block.uri ? item : ({ ...block, uri } as T);
    }
    if (block.type === 'resource' && typeof block.resource?.uri === 'string') {
      const uri = exposeResourceUri(deps, server, block.resource.uri);
      return uri === block.resource.uri ? item : ({ ...block, resource: { ...block.resource, uri } } as T);
    }
    return item;
  });
}

/**
 * A server's "not found" for a read carries the URI in its data, as 2026-07-28 asks (SEP-2164) and a client can
 * use: a 2025 server's error that lacks it gets it, the URI the client asked for.
 */
function withNotFoundUri(error: unknown, uri: unknown): unknown {
  if (!(error instanceof ProtocolError) || typeof uri !== 'string') return error;
  const notFound = error.code === -32002 || (error.code === ProtocolErrorCode.InvalidParams && /not found/i.test(error.message));
  const data = error.data as Record<string, unknown> | undefined;
  if (!notFound || (typeof data === 'object' && data !== null && 'uri' in data)) return error;
  return new ProtocolError(error.code, error.message, { ...(typeof data === 'object' && data !== null ? data : {}), uri });
}

/** resources/read, resources/subscribe and resources/unsubscribe, routed by URI. */
export function resourceHandlers(deps: RouteDeps): Handlers {
  return {
    'resources/read': async (ctx: CallContext): Promise<CallResult> => {
      const route = ctx.span.stepIfSlow('route');
      let target: ResolvedUri;
      let lease;
      try {
        target = resolveUri(deps, ctx, ctx.params.uri);
        ctx.span.attributes.server = route.attributes.server = target.server;
        lease = deps.pool.acquire(target.server, ctx.caller, ctx.roundState?.replica);
      } catch (error) {
        route.end('error', error instanceof Error ? error.message : String(error));
        throw error;
      }
      route.end();
      try {
        const result = await callUpstream(ctx, lease, { method: 'resources/read', params: { ...ctx.params, uri: target.uri } }, deps.mint);
        const contents = result.contents;
        if (!Array.isArray(contents)) return result;
        return { ...result, contents: contents.map((content: { uri?: unknown }) => (typeof content.uri === 'string' ? { ...content, uri: exposeResourceUri(deps, target.server, content.uri) } : content)) };
      } catch (error) {
        throw withNotFoundUri(error, ctx.params.uri);
      } finally {
        lease.release();
      }
    },
    'resources/subscribe': async (ctx) => {
      const target = resolveUri(deps, ctx, ctx.params.uri);
      ctx.span.attributes.server = target.server;
      await deps.sessions.subscribe(ctx.caller.session, target.server, target.uri);
      return {};
    },
    'resources/unsubscribe': async (ctx) => {
      const target = resolveUri(deps, ctx, ctx.params.uri);
      ctx.span.attributes.server = target.server;
      await deps.sessions.unsubscribe(ctx.caller.session, target.server, target.uri);
      return {};
    },
  };
}
