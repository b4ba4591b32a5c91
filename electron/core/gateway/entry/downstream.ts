import crypto from 'node:crypto';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  createRequestStateCodec,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type CallToolResult,
  type ClientCapabilities,
  type ServerContext,
  type Transport,
} from '@modelcontextprotocol/server';
import type { GatewayCatalog } from '../catalog.ts';
import { ParkedCall } from '../parked-call.ts';
import type { Caller, CallContext, CallResult, Era, Identity, RoundState } from '../pipeline/context.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { ROUTED_METHODS } from '../router/router.ts';
import { parseTraceparent, type Tracer } from '../tracing.ts';
import { ProgressRelay } from './progress.ts';

/** How long a question to a client (an elicitation, a 2026-07-28 round) may wait for its answer. */
export const ASK_TIMEOUT_MS = 10 * 60_000;

/** The methods whose 2026-07-28 calls may need input from the client (`input_required` rounds). */
const ROUND_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);

export interface DownstreamOptions {
  readonly version: string;
  readonly pipeline: Pipeline;
  readonly tracer: Tracer;
  readonly catalog: GatewayCatalog;
  /** Wraps the transport of every downstream `Server` (to record its messages). */
  decorateTransport?(transport: Transport, era: Era): Transport;
}

/** A decorated transport that knows the trace each request it carried belongs to. */
interface TracingTransport extends Transport {
  traceOf?(requestId: string | number): string | undefined;
}

/**
 * The entry paths of SDK-served clients: one `Server` per legacy session (the HTTP endpoint's, the playground's,
 * the stdio bridge's) or per 2026-07-28 request. Each handler only turns the SDK's request into a `CallContext`,
 * runs the pipeline, and gives the result back in the client's era; routing, recording and policy live elsewhere.
 */
export class DownstreamServers {
  /** Signs the requestState of 2026-07-28 rounds: it comes back from the client and must not be forged. */
  private readonly codec = createRequestStateCodec<RoundState>({ key: crypto.randomBytes(32), ttlSeconds: ASK_TIMEOUT_MS / 1000 });
  private readonly parked = new Map<string, ParkedCall>();
  /** Each 2026-07-28 request's `Server` → its (decorated) transport, which started the request's trace. */
  private readonly transports = new WeakMap<Server, TracingTransport>();
  /** A legacy session's client (a 2026-07-28 request's comes with the request). */
  private readonly identities = new WeakMap<Server, () => Identity>();

  constructor(private readonly options: DownstreamOptions) {}

  /** Mints the state of a round: what the pipeline's router hands a 2026-07-28 client. */
  readonly mint = (state: RoundState): Promise<string> => this.codec.mint(state);

  /** A downstream MCP server of the gateway: one per legacy session, or per 2026-07-28 request. */
  create(era: Era, identity?: Identity | (() => Identity)): Server {
    const decorate = this.options.decorateTransport;
    const server = new Server(
      { name: 'mcp-switchboard', title: 'MCP Switchboard', version: this.options.version },
      {
        capabilities: {
          tools: { listChanged: true },
          prompts: { listChanged: true },
          resources: { listChanged: true, subscribe: true },
          completions: {},
          logging: {},
        },
        instructions: 'MCP Switchboard: the tools, prompts and resources of every server it runs.',
        requestState: { verify: this.codec.verify },
        debouncedNotificationMethods: ['notifications/tools/list_changed', 'notifications/prompts/list_changed', 'notifications/resources/list_changed'],
      },
    );
    if (decorate) {
      const connect = server.connect.bind(server);
      server.connect = (transport: Transport) => {
        const decorated: TracingTransport = decorate(transport, era);
        this.transports.set(server, decorated);
        return connect(decorated);
      };
    }
    for (const method of ROUTED_METHODS) {
      if (method === 'ping') continue; // The SDK answers ping itself, in the era that has it.
      server.setRequestHandler(method as never, ((request: { method: string; params?: Record<string, unknown> }, ctx: ServerContext) =>
        era === 'legacy' ? this.legacy(server, request, ctx) : this.modern(server, request, ctx)) as never);
    }
    if (identity) this.identities.set(server, typeof identity === 'function' ? identity : () => identity);
    return server;
  }

  /** A 2025 client's request: asked things through its session, answered in its era. */
  private async legacy(server: Server, request: { method: string; params?: Record<string, unknown> }, sdk: ServerContext): Promise<CallResult> {
    const caller: Caller = {
      era: 'legacy',
      identity: this.identityOf(server, sdk),
      session: sdk.sessionId,
      name: server.getClientVersion()?.name ?? null,
      capabilities: () => server.getClientCapabilities(),
      ask: (question) => sdk.mcpReq.send(question as never, { signal: sdk.mcpReq.signal, timeout: ASK_TIMEOUT_MS }),
    };
    const progress = ProgressRelay.of(sdk.mcpReq._meta?.progressToken, (notification) => sdk.mcpReq.notify(notification));
    const ctx = this.context(server, request, sdk, caller, sdk.mcpReq.signal, progress);
    const result = await this.options.pipeline.run(ctx);
    await progress?.flush();
    return request.method === 'tools/call' ? this.forLegacyClient(server, String(request.params?.name), result) : result;
  }

  /**
   * A 2026-07-28 client's request. It may outlive this request: a 2025 server's questions are asked as rounds
   * (the call is parked between them), so it runs on a signal of its own, aborted when the request that is
   * waiting for it is cancelled.
   */
  private async modern(server: Server, request: { method: string; params?: Record<string, unknown> }, sdk: ServerContext): Promise<CallResult> {
    const envelope = sdk.mcpReq.envelope as Record<string, unknown> | undefined;
    const state = sdk.mcpReq.requestState<RoundState>();
    if (state?.park !== undefined) {
      const parked = this.parked.get(state.park);
      if (!parked) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'This call is no longer waiting for an answer (it finished or expired); make the request again');
      parked.answer(sdk.mcpReq.inputResponses);
      return this.settle(parked, state);
    }
    const progress = ProgressRelay.of(sdk.mcpReq._meta?.progressToken, (notification) => sdk.mcpReq.notify(notification));
    const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
    const name = (envelope?.[CLIENT_INFO_META_KEY] as { name?: string } | undefined)?.name ?? null;
    const identity = this.identityOf(server, sdk);
    if (!ROUND_METHODS.has(request.method)) {
      const caller: Caller = { era: 'modern', identity, session: undefined, name, capabilities: () => capabilities, ask: () => Promise.reject(new ProtocolError(ProtocolErrorCode.InvalidRequest, `${request.method} cannot ask the client for input`)) };
      return this.options.pipeline.run(this.context(server, request, sdk, caller, sdk.mcpReq.signal, progress, state));
    }
    const abort = new AbortController();
    let handedOver = false;
    sdk.mcpReq.signal.addEventListener('abort', () => !handedOver && abort.abort(sdk.mcpReq.signal.reason), { once: true });
    const parked = new ParkedCall(ASK_TIMEOUT_MS, (gone) => this.parked.delete(gone.id));
    this.parked.set(parked.id, parked);
    const caller: Caller = { era: 'modern', identity, session: undefined, name, capabilities: () => capabilities, ask: (question) => parked.ask(question) };
    const ctx = this.context(server, request, sdk, caller, abort.signal, progress, state);
    parked.watch(this.options.pipeline.run(ctx).then(async (result) => (await progress?.flush(), result)));
    try {
      return await this.settle(parked, state);
    } finally {
      handedOver = true;
    }
  }

  /**
   * Who sent the request: the session's client, or the one the endpoint authenticated for this request. A request
   * with neither never came through the endpoint's authentication, and is refused.
   */
  private identityOf(server: Server, sdk: ServerContext): Identity {
    // The request's own (its client's profile as it is now), else the one its session was opened with (in process).
    const identity = (sdk.http?.authInfo?.extra as { identity?: Identity } | undefined)?.identity ?? this.identities.get(server)?.();
    if (!identity) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, 'MCP Switchboard: a request without an authenticated client');
    return identity;
  }

  /** What a parked call has next for its client: its result, or a round of questions. */
  private async settle(parked: ParkedCall, state: RoundState | undefined): Promise<CallResult> {
    const event = await parked.next();
    if (event.kind === 'result') return event.result;
    if (event.kind === 'error') throw event.error;
    const requestState = await this.codec.mint({ ...(state?.server !== undefined ? { server: state.server } : {}), park: parked.id });
    return { resultType: 'input_required', inputRequests: event.questions, requestState };
  }

  private context(
    server: Server,
    request: { method: string; params?: Record<string, unknown> },
    sdk: ServerContext,
    caller: Caller,
    signal: AbortSignal,
    progress: ProgressRelay | undefined,
    roundState?: RoundState,
  ): CallContext {
    const meta = sdk.mcpReq._meta as Record<string, unknown> | undefined;
    const span = this.options.tracer.start(
      request.method,
      { method: request.method, session: caller.session ?? null, client: caller.name, server: null, tool: null, rpcId: String(sdk.mcpReq.id) },
      parseTraceparent(meta?.traceparent) ?? this.startedTrace(server, sdk.mcpReq.id),
    );
    const { _meta: _lifted, ...params } = request.params ?? {};
    return {
      method: request.method,
      params: meta ? { ...params, _meta: meta } : params,
      caller,
      span,
      signal,
      ...(progress ? { onprogress: progress.update } : {}),
      ...(sdk.mcpReq.inputResponses ? { inputResponses: sdk.mcpReq.inputResponses } : {}),
      ...(roundState ? { roundState } : {}),
    };
  }

  /** The trace the request's transport started for it (it has no trace of its own), as a parent without a span. */
  private startedTrace(server: Server, id: string | number): { traceId: string; spanId: null } | undefined {
    const traceId = this.transports.get(server)?.traceOf?.(id);
    return traceId ? { traceId, spanId: null } : undefined;
  }

  /** A 2025-era client only accepts object-shaped structuredContent; the SDK knows how to wrap the rest. */
  private forLegacyClient(server: Server, name: string, result: CallResult): CallResult {
    const structured = result.structuredContent as unknown;
    if (structured === undefined || (typeof structured === 'object' && structured !== null && !Array.isArray(structured))) return result;
    return server.projectCallToolResult(result as CallToolResult, this.options.catalog.snapshot.toolOrigins.get(name)?.tool.outputSchema) as CallResult;
  }
}
