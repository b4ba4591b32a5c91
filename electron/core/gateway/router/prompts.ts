import type { CallContext, CallResult } from '../pipeline/context.ts';
import { exposeContent } from './resources.ts';
import { resolveName } from './resolve.ts';
import { snapshotFor, type Handlers, type RouteDeps } from './router.ts';
import { callUpstream } from './upstream-call.ts';

/** prompts/get: to the server that owns the prompt; resource URIs in its messages exposed as the catalog lists them. */
export function promptHandlers(deps: RouteDeps): Handlers {
  return {
    'prompts/get': async (ctx: CallContext): Promise<CallResult> => {
      const route = ctx.span.stepIfSlow('route');
      let lease;
      let origin;
      try {
        const snapshot = snapshotFor(deps, ctx);
        origin = resolveName(snapshot, snapshot.promptOrigins, ctx.params.name, 'prompt', deps.pool);
        ctx.span.attributes.server = route.attributes.server = origin.server;
        lease = deps.pool.acquire(origin.server, ctx.caller, ctx.roundState?.replica);
      } catch (error) {
        route.end('error', error instanceof Error ? error.message : String(error));
        throw error;
      }
      route.end();
      try {
        const result = await callUpstream(ctx, lease, { method: 'prompts/get', params: { ...ctx.params, name: origin.name } }, deps.mint);
        const messages = result.messages;
        if (!Array.isArray(messages)) return result;
        const server = origin.server;
        return { ...result, messages: messages.map((message: { content?: unknown }) => (message.content ? { ...message, content: exposeContent(deps, server, [message.content])[0] } : message)) };
      } finally {
        lease.release();
      }
    },
  };
}
