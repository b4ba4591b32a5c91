import type { CallContext, CallResult } from './context.ts';

/** The rest of the pipeline, from an interceptor's point of view. */
export type Next = (ctx: CallContext) => Promise<CallResult>;

/**
 * One step every request passes through (authentication, policy, rate limits, metrics, ...): it may look at the
 * context, change it for the steps after it, answer on its own, or call `next`. An observing interceptor never
 * changes or fails a call.
 */
export interface Interceptor {
  /** For traces and errors: which step did what. */
  readonly name: string;
  intercept(ctx: CallContext, next: Next): Promise<CallResult>;
}

/** The end of the pipeline: the router that sends a request to its server. */
export interface Terminal {
  route(ctx: CallContext): Promise<CallResult>;
}

/**
 * `Router → interceptors → UpstreamPool` as one callable: the interceptors in their order, then the router.
 * The chain is built once; a request costs one closure call per interceptor.
 */
export class Pipeline {
  private readonly chain: Next;

  constructor(interceptors: readonly Interceptor[], terminal: Terminal) {
    let next: Next = (ctx) => terminal.route(ctx);
    for (const interceptor of [...interceptors].reverse()) {
      const after = next;
      next = (ctx) => interceptor.intercept(ctx, after);
    }
    this.chain = next;
  }

  run(ctx: CallContext): Promise<CallResult> {
    return this.chain(ctx);
  }
}
