import { SdkError, SdkErrorCode, type CallToolResult, type Tool } from '@modelcontextprotocol/server';
import { NotSentError } from '../../base/transport-decorator.ts';
import type { CallContext, CallResult } from '../pipeline/context.ts';
import { ServerUnavailableError, type Lease } from '../pipeline/upstream-pool.ts';
import type { CatalogSnapshot } from '../catalog.ts';
import { resolveName, serverOfPrefix } from './resolve.ts';
import { exposeContent } from './resources.ts';
import { snapshotFor, type Handlers, type RouteDeps } from './router.ts';
import { callUpstream, describeUpstreamFailure, errorText } from './upstream-call.ts';

/**
 * tools/call: to the server that owns the tool, on a replica of the pool. What the model should read when the
 * call cannot run (the server is restarting, did not answer in time, died mid-call) is a tool error in words,
 * not a protocol error: it can choose another way. The server's own errors pass through as they are.
 */
export function toolHandlers(deps: RouteDeps): Handlers {
  return {
    'tools/call': async (ctx: CallContext): Promise<CallResult> => {
      const route = ctx.span.stepIfSlow('route');
      let lease: Lease;
      let origin;
      try {
        origin = (await resolveTool(deps, ctx, ctx.params.name)) as { server: string; name: string; tool?: Tool };
        ctx.span.attributes.server = route.attributes.server = origin.server;
        ctx.span.attributes.tool = route.attributes.tool = origin.name;
        lease = deps.pool.acquire(origin.server, ctx.caller, ctx.roundState?.replica);
      } catch (error) {
        route.end('error', errorText(error));
        if (error instanceof ServerUnavailableError) return toolError(error.message);
        throw error;
      }
      route.end();
      try {
        // One more try on another replica, only where it cannot run a call twice: the first never reached its
        // server, or the tool says it is safe to repeat (readOnlyHint, idempotentHint).
        for (let attempt = 1; ; attempt++) {
          try {
            const result = await callUpstream(ctx, lease, { method: 'tools/call', params: { ...ctx.params, name: origin.name }, tool: origin.tool }, deps.mint);
            const content = (result as CallToolResult).content;
            return Array.isArray(content) ? { ...result, content: exposeContent(deps, origin.server, content) } : result;
          } catch (error) {
            if (ctx.signal.aborted) throw error;
            const retry = attempt === 1 && mayRetry(error, origin.tool) ? anotherReplica(deps, origin.server, ctx, lease) : undefined;
            if (retry) {
              ctx.span.child(`retry on ${retry.replica.name}`).end('ok', `after: ${errorText(error)}`);
              lease.release();
              lease = retry;
              continue;
            }
            if (error instanceof ServerUnavailableError) return toolError(error.message);
            const sentence = describeUpstreamFailure(error, origin.server, lease.timeoutMs);
            if (sentence) return toolError(sentence);
            throw error;
          }
        }
      } finally {
        lease.release();
      }
    },
  };
}

/** A failure after which the call may be made again without running twice. */
function mayRetry(error: unknown, tool: Tool | undefined): boolean {
  if (error instanceof NotSentError) return true;
  const lost = error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed;
  return lost && (tool?.annotations?.readOnlyHint === true || tool?.annotations?.idempotentHint === true);
}

/** Another ready replica of the server than the one that failed, if there is one. */
function anotherReplica(deps: RouteDeps, server: string, ctx: CallContext, failed: Lease): Lease | undefined {
  try {
    const next = deps.pool.acquire(server, ctx.caller, undefined, failed.replica.name);
    if (next.replica !== failed.replica) return next;
    next.release();
  } catch {
    // None can take it: the first failure stands.
  }
  return undefined;
}

/**
 * The tool's origin. A name not known yet waits only for the server it belongs to while that one starts (known by
 * its prefix, or from when it last ran), or, for a name no server is known for, for servers that never listed
 * their tools yet; every other call goes on at once.
 */
async function resolveTool(deps: RouteDeps, ctx: CallContext, name: unknown) {
  const snapshot = snapshotFor(deps, ctx);
  if (typeof name === 'string' && snapshot.toolOrigins.has(name)) return snapshot.toolOrigins.get(name)!;
  const owner = typeof name === 'string' ? (snapshot.offline.get(name) ?? serverOfPrefix(snapshot, name)) : undefined;
  await deps.waitForStartingServers(owner !== undefined ? [owner] : neverListed(snapshot, deps));
  const fresh = snapshotFor(deps, ctx);
  return resolveName(fresh, fresh.toolOrigins, name, 'tool', deps.pool);
}

/** Servers with no known catalog (never ready yet): a name nobody knows may be theirs. */
function neverListed(snapshot: CatalogSnapshot, deps: RouteDeps): string[] {
  const known = knownServers(snapshot);
  return deps.pool.servers().filter((server) => !known.has(server));
}

function knownServers(snapshot: CatalogSnapshot): Set<string> {
  const known = new Set<string>(snapshot.offline.values());
  for (const origin of snapshot.toolOrigins.values()) known.add(origin.server);
  return known;
}

function toolError(text: string): CallResult {
  return { content: [{ type: 'text', text }], isError: true };
}
