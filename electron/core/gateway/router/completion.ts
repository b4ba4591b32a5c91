import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { CallContext, CallResult } from '../pipeline/context.ts';
import { resolveName } from './resolve.ts';
import { resolveUri } from './resources.ts';
import { snapshotFor, type Handlers, type RouteDeps } from './router.ts';
import { callUpstream } from './upstream-call.ts';

/** completion/complete: to the server of the prompt or resource template the reference names. */
export function completionHandlers(deps: RouteDeps): Handlers {
  return {
    'completion/complete': async (ctx: CallContext): Promise<CallResult> => {
      const ref = ctx.params.ref as { type?: unknown; name?: unknown; uri?: unknown } | undefined;
      const snapshot = snapshotFor(deps, ctx);
      let server: string;
      let mapped: Record<string, unknown>;
      if (ref?.type === 'ref/prompt') {
        const origin = resolveName(snapshot, snapshot.promptOrigins, ref.name, 'prompt', deps.pool);
        server = origin.server;
        mapped = { ...ref, name: origin.name };
      } else if (ref?.type === 'ref/resource') {
        const template = typeof ref.uri === 'string' ? snapshot.templateOrigins.get(ref.uri) : undefined;
        const target = template ?? resolveUri(deps, ctx, ref.uri);
        server = target.server;
        mapped = { ...ref, uri: target.uri };
      } else {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid params: ref must be a ref/prompt or a ref/resource');
      }
      ctx.span.attributes.server = server;
      const lease = deps.pool.acquire(server, ctx.caller, ctx.roundState?.replica);
      try {
        return await callUpstream(ctx, lease, { method: 'completion/complete', params: { ...ctx.params, ref: mapped } }, deps.mint);
      } finally {
        lease.release();
      }
    },
  };
}
