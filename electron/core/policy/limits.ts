import { ProtocolError } from '@modelcontextprotocol/server';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Limit, Profile } from '../../../shared/access.ts';
import { firstMatch } from '../auth/scopes.ts';
import type { CatalogSnapshot } from '../gateway/catalog.ts';
import type { CallContext, CallResult } from '../gateway/pipeline/context.ts';
import type { Interceptor } from '../gateway/pipeline/pipeline.ts';
import { viewOf } from '../gateway/scope.ts';

/** The `_meta` key of a refused call's result that says, in milliseconds, when to try again. */
export const RETRY_AFTER_META_KEY = 'switchboard/retryAfterMs';
/** The JSON-RPC error code of a request over its limit (a method that has no tool error to answer with). */
export const RATE_LIMITED_CODE = -32029;

/** The calls limits count. */
const LIMITED = new Set(['tools/call', 'prompts/get', 'resources/read']);

/** One limit's use, for the window. */
export interface LimitUsage {
  used: number;
  limit: number;
}

/** A client's use of its limits now. */
export interface ClientUsage {
  perMinute?: LimitUsage;
  perDay?: LimitUsage;
  inFlight?: LimitUsage;
}

interface Refusal {
  readonly text: string;
  readonly retryAfterMs: number;
}

/**
 * Rate limits and quotas per client and per tool (calls a minute, a day, in flight), from the client's profile.
 * The buckets are rate-limiter-flexible's (in memory here; the same limiters can keep their state in Redis when
 * Switchboard runs as several instances). Over a limit, a tool call gets a tool error saying when to retry (also in
 * its `_meta`), other requests a JSON-RPC error with `retryAfterMs` in its data. Other clients are not touched.
 */
export class Limits {
  private readonly limiters = new Map<string, RateLimiterMemory>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly snapshot: () => CatalogSnapshot) {}

  readonly interceptor: Interceptor = {
    name: 'limits',
    intercept: (ctx, next) => {
      const profile = ctx.caller.identity.profile;
      if (!LIMITED.has(ctx.method) || ctx.caller.identity.admin || !profile || (!profile.limits && !profile.toolLimits) || ctx.roundState) return next(ctx);
      return this.run(ctx, profile, next);
    },
  };

  /** What the client used of its own limits (not the per-tool ones). */
  async usage(client: string, profile: Profile): Promise<ClientUsage> {
    const limit = profile.limits;
    if (!limit) return {};
    const usage: ClientUsage = {};
    if (limit.perMinute) usage.perMinute = { used: (await this.limiter(limit.perMinute, 60).get(client))?.consumedPoints ?? 0, limit: limit.perMinute };
    if (limit.perDay) usage.perDay = { used: (await this.limiter(limit.perDay, 86_400).get(client))?.consumedPoints ?? 0, limit: limit.perDay };
    if (limit.inFlight) usage.inFlight = { used: this.inFlight.get(client) ?? 0, limit: limit.inFlight };
    return usage;
  }

  private async run(ctx: CallContext, profile: Profile, next: (ctx: CallContext) => Promise<CallResult>): Promise<CallResult> {
    const client = ctx.caller.identity.client;
    const buckets: { key: string; limit: Limit; what: string }[] = [];
    if (profile.limits) buckets.push({ key: client, limit: profile.limits, what: `this client (${client})` });
    const tool = ctx.method === 'tools/call' ? this.toolOf(ctx) : undefined;
    if (tool) {
      const rule = firstMatch(profile.toolLimits, tool.server, tool.exposed, tool.name);
      if (rule) buckets.push({ key: `${client}\0${rule.tool}`, limit: rule, what: `${tool.exposed} for this client` });
    }
    const refusal = await this.take(buckets);
    if (refusal) {
      if (ctx.decision) Object.assign(ctx.decision, { decision: 'limited', decidedBy: 'limit', detail: refusal.text });
      ctx.span.child('rate limited').end('error', refusal.text);
      if (ctx.method === 'tools/call') return { content: [{ type: 'text', text: refusal.text }], isError: true, _meta: { [RETRY_AFTER_META_KEY]: refusal.retryAfterMs } };
      throw new ProtocolError(RATE_LIMITED_CODE, refusal.text, { retryAfterMs: refusal.retryAfterMs });
    }
    const held = buckets.filter((bucket) => bucket.limit.inFlight !== undefined).map((bucket) => bucket.key);
    try {
      return await next(ctx);
    } finally {
      for (const key of held) this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    }
  }

  /** Takes one call from each bucket; the first that is empty refuses (nothing is held then). */
  private async take(buckets: readonly { key: string; limit: Limit; what: string }[]): Promise<Refusal | undefined> {
    for (const { key, limit, what } of buckets) {
      if (limit.inFlight !== undefined && (this.inFlight.get(key) ?? 0) >= limit.inFlight) {
        return { text: `MCP Switchboard: ${what} may run ${limit.inFlight} call${limit.inFlight === 1 ? '' : 's'} at once, and that many are running. Wait for one to finish, then retry.`, retryAfterMs: 1000 };
      }
      for (const [points, seconds, per] of [
        [limit.perMinute, 60, 'a minute'],
        [limit.perDay, 86_400, 'a day'],
      ] as const) {
        if (points === undefined) continue;
        try {
          await this.limiter(points, seconds).consume(key);
        } catch (error) {
          if (!(error instanceof RateLimiterRes)) throw error;
          const wait = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
          return { text: `MCP Switchboard: ${what} may make ${points} call${points === 1 ? '' : 's'} ${per}, and made them all. Retry in ${formatWait(wait)}.`, retryAfterMs: error.msBeforeNext };
        }
      }
    }
    for (const { key, limit } of buckets) if (limit.inFlight !== undefined) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    return undefined;
  }

  private limiter(points: number, duration: number): RateLimiterMemory {
    const id = `${points}/${duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) this.limiters.set(id, (limiter = new RateLimiterMemory({ points, duration })));
    return limiter;
  }

  private toolOf(ctx: CallContext): { server: string; exposed: string; name: string } | undefined {
    const name = ctx.params.name;
    if (typeof name !== 'string') return undefined;
    const origin = viewOf(this.snapshot(), ctx.scope).toolOrigins.get(name);
    return origin ? { server: origin.server, exposed: name, name: origin.name } : undefined;
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}
