import type { Interceptor } from '../gateway/pipeline/pipeline.ts';
import type { Scopes } from './scopes.ts';

/**
 * The profile filter: gives each request the view of its client's profile, so the router answers from what that
 * client may see (lists, calls, reads, templates, completion, subscriptions alike). The endpoint authenticated the
 * request before it entered the pipeline; the admin's requests pass with the whole catalog.
 */
export function access(scopes: Scopes): Interceptor {
  return {
    name: 'access',
    intercept(ctx, next) {
      const scope = scopes.of(ctx.caller.identity);
      if (!scope) return next(ctx);
      return next({ ...ctx, scope });
    },
  };
}
