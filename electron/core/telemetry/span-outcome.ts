import type { Interceptor } from '../gateway/pipeline/pipeline.ts';

/**
 * Ends each request's span with its outcome (ok, tool-error, error, cancelled): the trace sink of the pipeline.
 * Observes only: the result and the error pass through untouched.
 */
export const spanOutcome: Interceptor = {
  name: 'span-outcome',
  async intercept(ctx, next) {
    try {
      const result = await next(ctx);
      ctx.span.end(result.isError === true ? 'tool-error' : 'ok');
      return result;
    } catch (error) {
      ctx.span.end(ctx.signal.aborted ? 'cancelled' : 'error', error instanceof Error ? error.message : String(error));
      throw error;
    }
  },
};
