import type { Client } from '@modelcontextprotocol/client';
import crypto from 'node:crypto';
import {
  CLIENT_CAPABILITIES_META_KEY,
  createRequestStateCodec,
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  SERVER_INFO_META_KEY,
  Server,
  type CallToolResult,
  type ClientCapabilities,
  type CreateMessageResult,
  type ElicitResult,
  type ListRootsResult,
  type LoggingLevel,
  type ServerContext,
  type StandardSchemaV1,
} from '@modelcontextprotocol/server';
import type { LogLevel, Span } from '../../../shared/model.ts';
import { DisposableStore, type Disposable } from '../base/lifecycle.ts';
import type { NewLogEntry } from '../store/logs.ts';
import type { NewMessage } from '../store/traces.ts';
import type { ManagedServer } from '../supervisor/managed-server.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import { exposeUri, GatewayCatalog, parseExposedUri, type CatalogDelta } from './catalog.ts';
import { fnv1a } from '../../../shared/tool-names.ts';
import { paginate } from './pagination.ts';
import { ParkedCall } from './parked-call.ts';
import { parseTraceparent, Tracer, type ActiveSpan } from './tracing.ts';

export type Era = 'legacy' | 'modern';

export interface GatewayOptions {
  version: string;
  /** Items per page of tools/list, prompts/list, resources/list. */
  pageSize?: number;
  /** How long a list request waits for servers that are still starting (many clients list only once). */
  startingWaitMs?: number;
  log(entry: NewLogEntry): void;
  /** Where traces and the messages of modern (sessionless) requests go. */
  recordSpan(span: Span): void;
  recordMessage(message: NewMessage): void;
}

/** Where a request goes: a ready replica of the server and its client. */
interface Upstream {
  readonly client: Client;
  readonly timeoutMs: number;
  readonly replica: ManagedServer;
}

/** How to reach the client of a call in flight: what it can do, and how to ask it something. */
interface Caller {
  capabilities(): ClientCapabilities | undefined;
  ask(request: { method: string; params?: Record<string, unknown> }): Promise<unknown>;
}

/** A downstream client's call in flight on an upstream replica: where that replica's own requests go. */
interface ActiveCall extends Caller {
  readonly server: string;
  readonly startedAt: number;
}

/** A tools/call to forward, from whichever path received it. */
interface ToolCallInput {
  readonly name: string;
  readonly arguments: Record<string, unknown> | undefined;
  readonly meta: Record<string, unknown> | undefined;
  readonly era: Era;
  readonly sessionId: string | undefined;
  readonly downstream: Server;
  readonly span: ActiveSpan;
  readonly signal: AbortSignal;
  readonly caller: Caller;
  readonly onprogress?: (progress: { progress: number; total?: number; message?: string }) => void;
}

/** One legacy session (the modern era has none), for notifications that are not an answer to anything. */
interface Session {
  readonly server: Server;
  logLevel?: LoggingLevel;
  readonly subscriptions: Set<string>;
}

/**
 * A result schema that accepts what the server sent. The SDK's own check of a tools/call result is not
 * only redundant on a pass-through (the client downstream validates what it gets), it also probed the era
 * of every request by failing a validation and formatting the error: 5% of the gateway's CPU under load.
 */
const PASS_THROUGH: StandardSchemaV1<unknown, Record<string, unknown>> = {
  '~standard': { version: 1, vendor: 'mcp-switchboard', validate: (value) => ({ value: value as Record<string, unknown> }) },
};

/** How long a parked call waits for the client to come back with an answer. */
const PARK_TTL_MS = 10 * 60_000;

const LOG_LEVEL_ORDER: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/**
 * The aggregating MCP server: every ready upstream's tools, prompts and resources under one namespace,
 * requests routed to their owner, results passed back untouched, and the owner's own requests (sampling,
 * elicitation, roots) routed to the downstream client whose call caused them. Transport-agnostic: the HTTP
 * endpoint and the stdio bridge create one `Server` per legacy session or per modern request.
 */
export class Gateway implements Disposable {
  readonly catalog: GatewayCatalog;
  private readonly active = new Map<string, Set<ActiveCall>>();
  private readonly sessions = new Map<string, Session>();
  /** `server\0uri` → legacy sessions subscribed to it. */
  private readonly subscribers = new Map<string, Set<string>>();
  private readonly disposables = new DisposableStore();
  private readonly pageSize: number;
  private readonly startingWaitMs: number;
  private readonly tracer: Tracer;
  private readonly parked = new Map<string, ParkedCall>();
  /** Calls in flight per replica, for least-in-flight balancing. */
  private readonly inFlight = new Map<ManagedServer, number>();
  private readonly turns = new Map<string, number>();
  /** Signs the requestState of parked calls: it comes back from the client and must not be forged. */
  private readonly stateCodec = createRequestStateCodec<{ park: string }>({ key: crypto.randomBytes(32), ttlSeconds: PARK_TTL_MS / 1000 });
  private modernNotifier: { toolsChanged(): void; promptsChanged(): void; resourcesChanged(): void; resourceUpdated(uri: string): void } | undefined;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly options: GatewayOptions,
  ) {
    this.pageSize = options.pageSize ?? 1000;
    this.startingWaitMs = options.startingWaitMs ?? 5000;
    this.tracer = new Tracer((span) => options.recordSpan(span));
    this.catalog = this.disposables.add(new GatewayCatalog(supervisor));
    this.disposables.add(this.catalog.onDidChange((delta) => this.announce(delta)));
  }

  /** Registers our handlers on a new upstream client, before it connects (for the capabilities it declares). */
  attachUpstream(client: Client, server: string, declared: ClientCapabilities): void {
    if (declared.elicitation) {
      client.setRequestHandler('elicitation/create', async (request) => (await this.relay(server, 'elicitation', { method: 'elicitation/create', params: request.params })) as ElicitResult);
    }
    if (declared.sampling) {
      client.setRequestHandler('sampling/createMessage', async (request) => (await this.relay(server, 'sampling', { method: 'sampling/createMessage', params: request.params })) as CreateMessageResult);
    }
    if (declared.roots) {
      client.setRequestHandler('roots/list', async () => {
        const caller = this.pickCaller(server);
        if (caller?.capabilities()?.roots) return (await this.relay(server, 'roots', { method: 'roots/list' })) as ListRootsResult;
        const group = this.supervisor.groupOf(server) ?? server;
        return { roots: (this.supervisor.get(group)?.config.roots ?? []).map((root) => ({ uri: root.startsWith('file://') ? root : `file://${root}` })) };
      });
    }
    client.setNotificationHandler('notifications/message', (notification) => this.onUpstreamLog(server, notification.params));
    client.setNotificationHandler('notifications/resources/updated', (notification) => this.onResourceUpdated(server, notification.params.uri));
  }

  /** The modern leg's notifier (subscriptions/listen streams), from the HTTP handler. */
  setModernNotifier(notifier: Gateway['modernNotifier']): void {
    this.modernNotifier = notifier;
  }

  /** A legacy session began (its `Server` is connected); notifications not tied to a call go to it. */
  openSession(id: string, server: Server): void {
    this.sessions.set(id, { server, subscriptions: new Set() });
  }

  /** A legacy session ended: drop its subscriptions (and the upstream ones nobody else needs). */
  closeSession(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    for (const key of session.subscriptions) void this.unsubscribe(id, key);
    if (session.logLevel) void this.applyLogLevel();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** A downstream MCP server of the gateway: one per legacy session, or per modern request. */
  createServer(era: Era): Server {
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
        instructions: 'MCP Switchboard: the tools, prompts and resources of every server it runs, named server__tool.',
        requestState: { verify: this.stateCodec.verify },
        debouncedNotificationMethods: ['notifications/tools/list_changed', 'notifications/prompts/list_changed', 'notifications/resources/list_changed'],
      },
    );
    const snapshot = () => this.catalog.snapshot;
    const traced = this.tracedHandler(era, server);

    server.setRequestHandler('tools/list', traced(async (request) => {
      await this.waitForStartingServers();
      const { page, nextCursor } = paginate(snapshot().tools, request.params?.cursor, 'tools', this.pageSize);
      return nextCursor ? { tools: page, nextCursor } : { tools: page };
    }));

    server.setRequestHandler('tools/call', traced(async (request, ctx, span) => {
      // A 2026-07-28 client answering a question of a parked call: hand the answer up, wait for what is next.
      const state = era === 'modern' && ctx.mcpReq.requestState ? ctx.mcpReq.requestState<{ park?: string }>() : undefined;
      if (state?.park) {
        const parked = this.parked.get(state.park);
        if (!parked) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'This call is no longer waiting for an answer (it finished or expired); call the tool again');
        parked.answer(ctx.mcpReq.inputResponses?.up);
        return this.settleParked(parked);
      }
      const downstreamToken = ctx.mcpReq._meta?.progressToken;
      const onprogress =
        downstreamToken === undefined
          ? undefined
          : (progress: { progress: number; total?: number; message?: string }) =>
              void ctx.mcpReq.notify({ method: 'notifications/progress', params: { ...progress, progressToken: downstreamToken } }).catch(() => undefined);
      if (era === 'legacy') {
        const caller: Caller = {
          capabilities: () => server.getClientCapabilities(),
          ask: (question) => ctx.mcpReq.send(question as never, { signal: ctx.mcpReq.signal, timeout: PARK_TTL_MS }),
        };
        const input = { name: request.params.name, arguments: request.params.arguments, meta: ctx.mcpReq._meta, era, sessionId: ctx.sessionId, downstream: server, span, signal: ctx.mcpReq.signal, caller, onprogress };
        return this.forwardToolCall(input);
      }
      // A modern call may outlive this request (parked across input_required rounds): it gets a signal of
      // its own, aborted if this request is cancelled while it is still the one waiting.
      const abort = new AbortController();
      let handedOver = false;
      ctx.mcpReq.signal.addEventListener('abort', () => !handedOver && abort.abort(ctx.mcpReq.signal.reason), { once: true });
      const parked = new ParkedCall(PARK_TTL_MS, (gone) => this.parked.delete(gone.id));
      this.parked.set(parked.id, parked);
      const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
      const caller: Caller = {
        capabilities: () => envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined,
        // A 2026-07-28 client is asked through an input_required result of its parked call.
        ask: (question) => parked.ask(question),
      };
      parked.watch(
        this.forwardToolCall({ name: request.params.name, arguments: request.params.arguments, meta: ctx.mcpReq._meta, era, sessionId: undefined, downstream: server, span, signal: abort.signal, caller, onprogress }),
      );
      const settled = await this.settleParked(parked);
      handedOver = true;
      return settled;
    }));

    server.setRequestHandler('prompts/list', traced(async (request) => {
      await this.waitForStartingServers();
      const { page, nextCursor } = paginate(snapshot().prompts, request.params?.cursor, 'prompts', this.pageSize);
      return nextCursor ? { prompts: page, nextCursor } : { prompts: page };
    }));

    server.setRequestHandler('prompts/get', traced(async (request, ctx, span) => {
      const origin = snapshot().promptOrigins.get(request.params.name);
      if (!origin) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
      span.attributes.server = origin.server;
      const upstream = this.requireUpstream(origin.server);
      const result = await upstream.client.getPrompt({ ...request.params, name: origin.name }, { signal: ctx.mcpReq.signal, timeout: upstream.timeoutMs });
      const alias = snapshot().resourceAliases.get(origin.server) ?? origin.server;
      return stripServerInfo({ ...result, messages: result.messages.map((message) => (namesResource(message.content) ? { ...message, content: exposeContentUri(alias, message.content) } : message)) });
    }));

    server.setRequestHandler('resources/list', traced(async (request) => {
      await this.waitForStartingServers();
      const { page, nextCursor } = paginate(snapshot().resources, request.params?.cursor, 'resources', this.pageSize);
      return nextCursor ? { resources: page, nextCursor } : { resources: page };
    }));

    server.setRequestHandler('resources/templates/list', traced(async (request) => {
      await this.waitForStartingServers();
      const { page, nextCursor } = paginate(snapshot().resourceTemplates, request.params?.cursor, 'resources/templates', this.pageSize);
      return nextCursor ? { resourceTemplates: page, nextCursor } : { resourceTemplates: page };
    }));

    server.setRequestHandler('resources/read', traced(async (request, ctx, span) => {
      const { serverName, uri, alias } = this.resolveUri(request.params.uri);
      span.attributes.server = serverName;
      const upstream = this.requireUpstream(serverName);
      const result = await upstream.client.readResource({ ...request.params, uri }, { signal: ctx.mcpReq.signal, timeout: upstream.timeoutMs });
      return stripServerInfo({ ...result, contents: result.contents.map((content) => ({ ...content, uri: exposeUri(alias, content.uri) })) });
    }));

    server.setRequestHandler('resources/subscribe', traced(async (request, ctx) => {
      const { serverName, uri } = this.resolveUri(request.params.uri);
      await this.subscribe(ctx.sessionId, serverName, uri);
      return {};
    }));

    server.setRequestHandler('resources/unsubscribe', traced(async (request, ctx) => {
      const { serverName, uri } = this.resolveUri(request.params.uri);
      if (ctx.sessionId) await this.unsubscribe(ctx.sessionId, subscriptionKey(serverName, uri));
      return {};
    }));

    server.setRequestHandler('completion/complete', traced(async (request, ctx) => {
      const ref = request.params.ref;
      let serverName: string;
      let mappedRef: typeof ref;
      if (ref.type === 'ref/prompt') {
        const origin = snapshot().promptOrigins.get(ref.name);
        if (!origin) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${ref.name}`);
        serverName = origin.server;
        mappedRef = { ...ref, name: origin.name };
      } else {
        const resolved = this.resolveUri(ref.uri);
        serverName = resolved.serverName;
        mappedRef = { ...ref, uri: resolved.uri };
      }
      const upstream = this.requireUpstream(serverName);
      const result = await upstream.client.complete({ ...request.params, ref: mappedRef }, { signal: ctx.mcpReq.signal, timeout: upstream.timeoutMs });
      return stripServerInfo(result);
    }));

    server.setRequestHandler('logging/setLevel', traced(async (request, ctx) => {
      const session = ctx.sessionId ? this.sessions.get(ctx.sessionId) : undefined;
      if (session) session.logLevel = request.params.level;
      await this.applyLogLevel(request.params.level);
      return {};
    }));

    return server;
  }

  /**
   * Routes one tools/call to a ready replica of its server and passes the result back as the server sent
   * it: the steps (route, upstream, respond) are traced, the upstream gets our span as its W3C parent,
   * and the replica's own requests go to `caller` while the call runs.
   */
  private async forwardToolCall(input: ToolCallInput): Promise<CallToolResult> {
    await this.waitForStartingServers();
    const { span } = input;
    const route = span.child('route');
    const origin = this.catalog.snapshot.toolOrigins.get(input.name);
    if (!origin) {
      route.end('error', 'unknown tool');
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${input.name}`);
    }
    span.attributes.server = route.attributes.server = origin.server;
    span.attributes.tool = route.attributes.tool = origin.name;
    const upstream = this.upstream(origin.server, input.sessionId);
    if ('unavailable' in upstream) {
      route.end('error', upstream.unavailable);
      return errorResult(upstream.unavailable);
    }
    route.end();
    const call = span.child('upstream tools/call');
    const meta = { ...withoutProgressToken(input.meta), traceparent: call.traceparent };
    // Tracked by replica: that replica's own requests (sampling, elicitation) come back to this call.
    const untrack = this.track({ ...input.caller, server: upstream.replica.name, startedAt: Date.now() });
    this.inFlight.set(upstream.replica, (this.inFlight.get(upstream.replica) ?? 0) + 1);
    try {
      const options = {
        signal: input.signal,
        timeout: upstream.timeoutMs,
        resetTimeoutOnProgress: true,
        ...(input.onprogress ? { onprogress: input.onprogress } : {}),
      };
      const params = { name: origin.name, arguments: input.arguments, _meta: meta };
      const result = (
        upstream.client.getProtocolEra() === 'modern'
          ? // callTool mirrors the tool's x-mcp-header arguments into headers, which a 2026-07-28 server may require;
            // without the output schema, it does not check the result against it.
            await upstream.client.callTool(params, { ...options, toolDefinition: { ...origin.tool, outputSchema: undefined } })
          : // The result goes back as the server sent it: no client-side validation of what is only passed on.
            await upstream.client.request({ method: 'tools/call', params }, PASS_THROUGH, options)
      ) as CallToolResult;
      call.end(result.isError ? 'tool-error' : 'ok');
      const respond = span.child('respond');
      const presented = this.presentToolResult(result, origin.server, origin.tool.outputSchema, input.era, input.downstream);
      respond.end();
      return presented;
    } catch (error) {
      call.end(input.signal.aborted ? 'cancelled' : 'error', errorText(error));
      // A cancelled call has no result: the error ends the request (and its trace, as cancelled).
      if (input.signal.aborted) throw error;
      return rethrowOrResult(error, origin.server, upstream.timeoutMs);
    } finally {
      untrack();
      this.inFlight.set(upstream.replica, (this.inFlight.get(upstream.replica) ?? 1) - 1);
    }
  }

  /**
   * The hot path of a 2025-era session: a tools/call without a progress token, answered as one JSON body
   * by the HTTP endpoint, without the SDK's per-request stream and validation. Same routing, tracing,
   * recording and relaying as the handler; the replica's own requests reach the client on the session's
   * notification stream. Resolves with the JSON-RPC response to send.
   */
  async callToolDirect(sessionId: string, request: { id: string | number; params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> } }, signal: AbortSignal) {
    const session = this.sessions.get(sessionId);
    const downstream = session?.server;
    if (!downstream) return { jsonrpc: '2.0' as const, id: request.id, error: { code: -32001, message: 'Session not found' } };
    const record = (direction: 'in' | 'out', message: unknown) =>
      this.options.recordMessage({ time: Date.now(), hop: 'client', direction, session: sessionId, server: null, traceId: null, message });
    record('in', { jsonrpc: '2.0', id: request.id, method: 'tools/call', params: request.params });
    const span = this.tracer.start(
      'tools/call',
      { method: 'tools/call', session: sessionId, client: downstream.getClientVersion()?.name ?? null, server: null, tool: null, rpcId: String(request.id) },
      parseTraceparent(request.params._meta?.traceparent),
    );
    const caller: Caller = {
      capabilities: () => downstream.getClientCapabilities(),
      ask: (question) => downstream.request(question as never, { timeout: PARK_TTL_MS }),
    };
    let response;
    try {
      const result = await this.forwardToolCall({ name: request.params.name, arguments: request.params.arguments, meta: request.params._meta, era: 'legacy', sessionId, downstream, span, signal, caller });
      span.end(result.isError ? 'tool-error' : 'ok');
      response = { jsonrpc: '2.0' as const, id: request.id, result };
    } catch (error) {
      span.end(signal.aborted ? 'cancelled' : 'error', errorText(error));
      const code = error instanceof ProtocolError ? error.code : ProtocolErrorCode.InternalError;
      response = { jsonrpc: '2.0' as const, id: request.id, error: { code, message: errorText(error), ...(error instanceof ProtocolError && error.data !== undefined ? { data: error.data } : {}) } };
    }
    record('out', response);
    return response;
  }

  /**
   * Wraps a request handler in a trace: a root span per request (continuing the client's W3C trace when its
   * `_meta` carries one) that ends with the request's outcome. Modern requests have no session transport
   * to record their messages, so the request and its answer are recorded here.
   */
  private tracedHandler(era: Era, downstream: Server) {
    return <Req extends { method: string; params?: unknown }, Res>(handler: (request: Req, ctx: ServerContext, span: ActiveSpan) => Promise<Res>) =>
      async (request: Req, ctx: ServerContext): Promise<Res> => {
        const envelope = ctx.mcpReq.envelope as Record<string, { name?: string } | undefined> | undefined;
        const client = era === 'legacy' ? (downstream.getClientVersion()?.name ?? null) : (envelope?.['io.modelcontextprotocol/clientInfo']?.name ?? null);
        const span = this.tracer.start(
          request.method,
          { method: request.method, session: ctx.sessionId ?? null, client, server: null, tool: null, rpcId: String(ctx.mcpReq.id) },
          parseTraceparent(ctx.mcpReq._meta?.traceparent),
        );
        const recordModern = (direction: 'in' | 'out', message: unknown) =>
          era === 'modern' && this.options.recordMessage({ time: Date.now(), hop: 'client', direction, session: null, server: span.attributes.server, traceId: span.traceId, message });
        recordModern('in', { jsonrpc: '2.0', id: ctx.mcpReq.id, method: request.method, params: request.params });
        try {
          const result = await handler(request, ctx, span);
          span.end((result as { isError?: boolean }).isError ? 'tool-error' : 'ok');
          recordModern('out', { jsonrpc: '2.0', id: ctx.mcpReq.id, result });
          return result;
        } catch (error) {
          span.end(ctx.mcpReq.signal.aborted ? 'cancelled' : 'error', errorText(error));
          recordModern('out', { jsonrpc: '2.0', id: ctx.mcpReq.id, error: { message: errorText(error) } });
          throw error;
        }
      };
  }

  /** Waits for what a parked call has next: its result, or the upstream's question as an input_required result. */
  private async settleParked(parked: ParkedCall): Promise<CallToolResult> {
    const event = await parked.next();
    if (event.kind === 'result') return event.result;
    if (event.kind === 'error') throw event.error;
    return inputRequired({ inputRequests: { up: event.request as never }, requestState: await this.stateCodec.mint({ park: parked.id }) }) as unknown as CallToolResult;
  }

  /** Waits (bounded) while servers are still starting, so a client's first list is complete. */
  private async waitForStartingServers(): Promise<void> {
    const starting = () => this.supervisor.list().some((server) => server.currentState === 'starting');
    if (!starting()) return;
    const deadline = Date.now() + this.startingWaitMs;
    while (starting() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    // Servers that just became ready: their tools must be in this answer, not in the next coalesced rebuild.
    this.catalog.rebuild();
  }


  /**
   * The replica to send a request to: for a `stateful` server the one this client session sticks to,
   * otherwise the ready replica with the fewest calls in flight. Also says why a server cannot answer.
   */
  private upstream(serverName: string, session?: string): Upstream | { unavailable: string } {
    const replicas = this.supervisor.replicas(serverName);
    const ready = replicas.filter((replica) => replica.client !== undefined);
    if (ready.length === 0) {
      const status = this.supervisor.statuses().find((s) => s.name === serverName);
      const why = status ? `${status.state}${status.lastError ? `: ${status.lastError}` : ''}` : 'removed from the config';
      return { unavailable: `Server "${serverName}" is not available (${why}).` };
    }
    let chosen = ready[0]!;
    if (ready.length > 1) {
      if (chosen.config.stateful && session) {
        chosen = ready[fnv1a(session) % ready.length]!;
      } else {
        // Fewest in flight; among equals, take turns (so even quick calls one after another use every copy).
        const least = Math.min(...ready.map((replica) => this.inFlight.get(replica) ?? 0));
        const candidates = ready.filter((replica) => (this.inFlight.get(replica) ?? 0) === least);
        const turn = this.turns.get(serverName) ?? 0;
        this.turns.set(serverName, turn + 1);
        chosen = candidates[turn % candidates.length]!;
      }
    }
    return { client: chosen.client!, timeoutMs: chosen.config.timeoutMs, replica: chosen };
  }

  private requireUpstream(serverName: string, session?: string): Upstream {
    const upstream = this.upstream(serverName, session);
    if ('unavailable' in upstream) throw new ProtocolError(ProtocolErrorCode.InternalError, upstream.unavailable);
    return upstream;
  }

  private resolveUri(exposed: string): { serverName: string; uri: string; alias: string } {
    const parsed = parseExposedUri(exposed);
    const serverName = parsed && this.catalog.snapshot.serversByResourceAlias.get(parsed.alias);
    if (!parsed || !serverName) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown resource: ${exposed}`);
    return { serverName, uri: parsed.uri, alias: parsed.alias };
  }

  private presentToolResult(result: CallToolResult, serverName: string, outputSchema: Record<string, unknown> | undefined, era: Era, downstream: Server): CallToolResult {
    const alias = this.catalog.snapshot.resourceAliases.get(serverName) ?? serverName;
    let presented = stripServerInfo(result);
    if (presented.content?.some(namesResource)) presented = { ...presented, content: presented.content.map((item) => exposeContentUri(alias, item)) };
    // A 2025-era client only accepts object-shaped structuredContent; the SDK knows how to wrap the rest.
    const structured = presented.structuredContent as unknown;
    if (era === 'legacy' && structured !== undefined && (typeof structured !== 'object' || structured === null || Array.isArray(structured))) {
      presented = downstream.projectCallToolResult(presented, outputSchema);
    }
    return presented;
  }

  private track(call: ActiveCall): () => void {
    const calls = this.active.get(call.server) ?? new Set<ActiveCall>();
    calls.add(call);
    this.active.set(call.server, calls);
    return () => calls.delete(call);
  }

  /**
   * The downstream call an upstream request belongs to. Over stdio a server's request names no call, so:
   * the only call in flight on that server, else the most recent one (and the log says it was a guess).
   */
  private pickCaller(server: string): ActiveCall | undefined {
    const calls = [...(this.active.get(server) ?? [])];
    if (calls.length > 1) {
      this.options.log({ server, stream: 'app', level: 'warn', message: `${calls.length} calls in flight when the server asked its client something; routed to the most recent call` });
    }
    return calls.sort((a, b) => a.startedAt - b.startedAt).at(-1);
  }



  /** Sends an upstream server's request (sampling, elicitation, roots) to the client whose call caused it. */
  private async relay(
    server: string,
    capability: 'elicitation' | 'sampling' | 'roots',
    request: { method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list'; params?: Record<string, unknown> },
  ): Promise<unknown> {
    const caller = this.pickCaller(server);
    if (!caller) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `MCP Switchboard: no client call is in progress on "${server}" to answer ${request.method}`);
    if (!caller.capabilities()?.[capability]) {
      throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `MCP Switchboard: the calling client does not support ${capability} (it did not declare the capability)`);
    }
    return caller.ask(request);
  }

  private async subscribe(sessionId: string | undefined, serverName: string, uri: string): Promise<void> {
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!sessionId || !session) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, 'resources/subscribe needs a session (a 2025-era client)');
    const key = subscriptionKey(serverName, uri);
    const subscribers = this.subscribers.get(key) ?? new Set<string>();
    const first = subscribers.size === 0;
    subscribers.add(sessionId);
    session.subscriptions.add(key);
    this.subscribers.set(key, subscribers);
    const representative = this.supervisor.representative(serverName)?.client;
    if (first && !representative) throw new ProtocolError(ProtocolErrorCode.InternalError, `Server "${serverName}" is not available`);
    if (first) await representative!.subscribeResource({ uri });
  }

  private async unsubscribe(sessionId: string, key: string): Promise<void> {
    this.sessions.get(sessionId)?.subscriptions.delete(key);
    const subscribers = this.subscribers.get(key);
    if (!subscribers?.delete(sessionId) || subscribers.size > 0) return;
    this.subscribers.delete(key);
    const [serverName, uri] = key.split('\0') as [string, string];
    await this.supervisor.representative(serverName)?.client?.unsubscribeResource({ uri }).catch(() => undefined);
  }

  private onResourceUpdated(member: string, uri: string): void {
    const serverName = this.supervisor.groupOf(member) ?? member;
    const alias = this.catalog.snapshot.resourceAliases.get(serverName);
    if (!alias) return;
    const exposed = exposeUri(alias, uri);
    for (const sessionId of this.subscribers.get(subscriptionKey(serverName, uri)) ?? []) {
      void this.sessions.get(sessionId)?.server.sendResourceUpdated({ uri: exposed }).catch(() => undefined);
    }
    this.modernNotifier?.resourceUpdated(exposed);
  }

  /** An upstream's log message: stored, and forwarded to sessions that asked for logs, tagged with the server. */
  private onUpstreamLog(serverName: string, params: { level: LoggingLevel; logger?: string; data?: unknown }): void {
    const text = typeof params.data === 'string' ? params.data : JSON.stringify(params.data);
    this.options.log({ server: serverName, stream: 'mcp', level: toLogLevel(params.level), message: params.logger ? `[${params.logger}] ${text}` : text });
    const logger = params.logger ? `${serverName}/${params.logger}` : serverName;
    for (const session of this.sessions.values()) {
      if (session.logLevel) void session.server.sendLoggingMessage({ level: params.level, logger, data: params.data }).catch(() => undefined);
    }
  }

  /** Upstreams log at the most verbose level any session asked for; each session filters its own. */
  private async applyLogLevel(requested?: LoggingLevel): Promise<void> {
    const levels = [...this.sessions.values()].map((s) => s.logLevel).filter((l): l is LoggingLevel => l !== undefined);
    if (requested) levels.push(requested);
    if (levels.length === 0) return;
    const level = levels.sort((a, b) => LOG_LEVEL_ORDER.indexOf(a) - LOG_LEVEL_ORDER.indexOf(b))[0]!;
    await Promise.all(
      this.supervisor
        .list()
        .flatMap((primary) => this.supervisor.replicas(primary.name))
        .filter((server) => server.client?.getServerCapabilities()?.logging)
        .map((server) => server.client!.setLoggingLevel(level).catch(() => undefined)),
    );
  }

  /** One coalesced change of the catalog: tell every downstream session, once per kind. */
  private announce(delta: CatalogDelta): void {
    for (const session of this.sessions.values()) {
      if (delta.tools) void session.server.sendToolListChanged().catch(() => undefined);
      if (delta.prompts) void session.server.sendPromptListChanged().catch(() => undefined);
      if (delta.resources) void session.server.sendResourceListChanged().catch(() => undefined);
    }
    if (delta.tools) this.modernNotifier?.toolsChanged();
    if (delta.prompts) this.modernNotifier?.promptsChanged();
    if (delta.resources) this.modernNotifier?.resourcesChanged();
  }

  dispose(): void {
    this.disposables.dispose();
    this.sessions.clear();
    this.active.clear();
  }
}

function subscriptionKey(server: string, uri: string): string {
  return `${server}\0${uri}`;
}

function withoutProgressToken(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const { progressToken: _dropped, ...rest } = meta;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** The upstream's own identity stamp would override ours on modern responses. */
function stripServerInfo<T extends { _meta?: Record<string, unknown> }>(result: T): T {
  if (!result._meta || !(SERVER_INFO_META_KEY in result._meta)) return result;
  const { [SERVER_INFO_META_KEY]: _upstream, ...meta } = result._meta;
  return { ...result, _meta: meta };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** An upstream's own JSON-RPC error goes back as it is; a dead connection or a timeout becomes a clear tool error. */
function rethrowOrResult(error: unknown, server: string, timeoutMs: number): CallToolResult {
  if (error instanceof ProtocolError) throw error;
  if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
    return errorResult(`Server "${server}" did not answer within ${timeoutMs / 1000} s (timeoutMs in its config).`);
  }
  if (error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed) {
    return errorResult(`Server "${server}" stopped while handling the call; the call was not retried.`);
  }
  throw error;
}

function toLogLevel(level: LoggingLevel): LogLevel {
  if (level === 'debug') return 'debug';
  if (level === 'info' || level === 'notice') return 'info';
  if (level === 'warning') return 'warn';
  return 'error';
}

/** A content block that names a resource of its server: a link, or an embedded resource. */
function namesResource(item: { type: string }): boolean {
  return item.type === 'resource_link' || item.type === 'resource';
}

/**
 * A content block with its resource URI namespaced as the gateway lists resources (sb://alias/uri), so a
 * client can read or subscribe to what a tool or prompt handed it; other blocks are returned as they are.
 */
function exposeContentUri<T extends { type: string }>(alias: string, item: T): T {
  if (item.type === 'resource_link') return { ...item, uri: exposeUri(alias, (item as unknown as { uri: string }).uri) };
  if (item.type === 'resource') {
    const resource = (item as unknown as { resource: { uri: string } }).resource;
    return { ...item, resource: { ...resource, uri: exposeUri(alias, resource.uri) } };
  }
  return item;
}
