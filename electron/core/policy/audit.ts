import type { NewAuditEntry } from '../store/audit.ts';
import type { CallDecision } from '../gateway/pipeline/context.ts';
import type { Interceptor } from '../gateway/pipeline/pipeline.ts';

/** The calls the trail records (lists and pings are not calls of anything). */
const AUDITED = new Set(['tools/call', 'prompts/get', 'resources/read', 'resources/subscribe', 'completion/complete']);

/**
 * The audit sink: one row per call, with its client, what it named, its arguments (hidden and hashed by the
 * store), how it was decided and by whom (the steps after this one fill that in), its outcome and duration, and its
 * trace. Observes only: what the client gets is untouched.
 */
export function audit(append: (entry: NewAuditEntry) => void): Interceptor {
  return {
    name: 'audit',
    async intercept(ctx, next) {
      if (!AUDITED.has(ctx.method)) return next(ctx);
      const started = performance.now();
      const decision: CallDecision = { decision: 'allowed', decidedBy: ctx.caller.identity.admin ? 'admin' : 'policy', detail: null };
      const row = (outcome: NewAuditEntry['outcome'], detail: string | null): NewAuditEntry => ({
        time: Date.now(),
        client: ctx.caller.identity.client,
        method: ctx.method,
        server: ctx.span.attributes.server,
        target: typeof ctx.params.name === 'string' ? ctx.params.name : typeof ctx.params.uri === 'string' ? ctx.params.uri : null,
        arguments: ctx.params.arguments,
        decision: decision.decision,
        decidedBy: decision.decidedBy,
        outcome: decision.decision === 'denied' || decision.decision === 'limited' ? null : outcome,
        durationMs: performance.now() - started,
        traceId: ctx.span.traceId,
        detail: decision.detail ?? detail,
      });
      try {
        const result = await next({ ...ctx, decision });
        append(row(result.isError === true ? 'error' : 'ok', result.isError === true ? firstText(result) : null));
        return result;
      } catch (error) {
        append(row('failed', error instanceof Error ? error.message : String(error)));
        throw error;
      }
    },
  };
}

/** A tool error's first words, for the trail's detail. */
function firstText(result: Record<string, unknown>): string | null {
  const content = result.content;
  const first = Array.isArray(content) ? (content[0] as { type?: unknown; text?: unknown } | undefined) : undefined;
  return first?.type === 'text' && typeof first.text === 'string' ? first.text.slice(0, 500) : null;
}
