import type { CatalogSnapshot } from '../gateway/catalog.ts';
import type { CallResult } from '../gateway/pipeline/context.ts';
import type { Interceptor } from '../gateway/pipeline/pipeline.ts';
import { viewOf } from '../gateway/scope.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';

/** A request's `_meta` key that skips the cache for that call. */
export const NO_CACHE_META_KEY = 'switchboard/no-cache';
const DEFAULT_MAX_ENTRIES = 100;

interface Entry {
  readonly result: CallResult;
  readonly expires: number;
}

/**
 * The opt-in response cache: for a server with `cache` in its config, the answers of its tools annotated
 * `readOnlyHint` (never any other) are kept for `ttlMs`, keyed by tool and arguments, at most `maxEntries` per
 * server (the oldest go first). A call with `_meta["switchboard/no-cache"]: true` goes to the server. A hit is a
 * step of the call's trace. Tool errors are not kept.
 */
export function responseCache(snapshot: () => CatalogSnapshot, supervisor: Supervisor, now: () => number = Date.now): Interceptor {
  const perServer = new Map<string, Map<string, Entry>>();
  return {
    name: 'response-cache',
    async intercept(ctx, next) {
      if (ctx.method !== 'tools/call' || ctx.roundState) return next(ctx);
      const name = ctx.params.name;
      // The caller's own view: a tool outside its profile is never answered from the cache either.
      const origin = typeof name === 'string' ? viewOf(snapshot(), ctx.scope).toolOrigins.get(name) : undefined;
      const settings = origin && supervisor.get(origin.server)?.config.cache;
      if (!origin || !settings || origin.tool.annotations?.readOnlyHint !== true) return next(ctx);
      const meta = ctx.params._meta as Record<string, unknown> | undefined;
      const key = `${origin.name}\0${stableJson(ctx.params.arguments ?? {})}`;
      const entries = perServer.get(origin.server) ?? new Map<string, Entry>();
      perServer.set(origin.server, entries);
      const hit = meta?.[NO_CACHE_META_KEY] === true ? undefined : entries.get(key);
      if (hit && hit.expires > now()) {
        ctx.span.attributes.server = origin.server;
        ctx.span.attributes.tool = origin.name;
        ctx.span.child('cache hit').end();
        return hit.result;
      }
      const result = await next(ctx);
      if (result.isError !== true && result.resultType !== 'input_required') {
        entries.delete(key);
        entries.set(key, { result, expires: now() + settings.ttlMs });
        const max = settings.maxEntries ?? DEFAULT_MAX_ENTRIES;
        while (entries.size > max) entries.delete(entries.keys().next().value!);
      }
      return result;
    },
  };
}

/** JSON with object keys in order: the same arguments written in another order are the same key. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
