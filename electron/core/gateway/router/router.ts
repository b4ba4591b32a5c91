import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { CatalogSnapshot, GatewayCatalog } from '../catalog.ts';
import type { CallContext, CallResult } from '../pipeline/context.ts';
import type { Terminal } from '../pipeline/pipeline.ts';
import type { UpstreamPool } from '../pipeline/upstream-pool.ts';
import { viewOf } from '../scope.ts';
import type { DownstreamSessions } from '../sessions.ts';
import { completionHandlers } from './completion.ts';
import { listHandlers } from './lists.ts';
import { loggingHandlers } from './logging.ts';
import { promptHandlers } from './prompts.ts';
import { ResourceOwners, resourceHandlers } from './resources.ts';
import { toolHandlers } from './tools.ts';
import type { MintRoundState } from './upstream-call.ts';

/** What the capability handlers share. */
export interface RouteDeps {
  readonly catalog: GatewayCatalog;
  readonly pool: UpstreamPool;
  readonly sessions: DownstreamSessions;
  /** Remembers which server handed out which resource URI, so a client reading it back reaches that server. */
  readonly owners: ResourceOwners;
  readonly mint: MintRoundState;
  readonly pageSize: number;
  /** Waits (bounded) for servers that are still starting (those given, or all), so a client's first list is complete. */
  waitForStartingServers(only?: readonly string[]): Promise<void>;
}

/** The catalog as the caller may see it (its profile's view). */
export function snapshotFor(deps: RouteDeps, ctx: { scope?: CallContext['scope'] }): CatalogSnapshot {
  return viewOf(deps.catalog.snapshot, ctx.scope);
}

/** One method's handler: the request of a client, answered by a server (or by the catalog). */
export type Handler = (ctx: CallContext) => Promise<CallResult>;

/** Handlers keyed by method, as each capability module registers them. */
export type Handlers = Readonly<Record<string, Handler>>;

/** The methods the gateway answers, each capability in its own module. */
export const ROUTED_METHODS = [
  'ping',
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'completion/complete',
  'logging/setLevel',
] as const;
export type RoutedMethod = (typeof ROUTED_METHODS)[number];

/**
 * The end of the pipeline: sends each request to the server that owns what it names (a tool, a prompt, a
 * resource URI), through the upstream pool, and answers lists from the catalog.
 */
export class Router implements Terminal {
  private readonly handlers: Handlers;

  constructor(deps: RouteDeps) {
    this.handlers = {
      ping: async () => ({}),
      ...listHandlers(deps),
      ...toolHandlers(deps),
      ...promptHandlers(deps),
      ...resourceHandlers(deps),
      ...completionHandlers(deps),
      ...loggingHandlers(deps),
    };
  }

  route(ctx: CallContext): Promise<CallResult> {
    const handler = this.handlers[ctx.method];
    if (!handler) return Promise.reject(new ProtocolError(ProtocolErrorCode.MethodNotFound, `Method not found: ${ctx.method}`));
    return handler(ctx);
  }
}
