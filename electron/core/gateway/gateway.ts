import type { Client } from '@modelcontextprotocol/client';
import { ProtocolError, ProtocolErrorCode, type ClientCapabilities, type CreateMessageResult, type ElicitResult, type ListRootsResult, type LoggingLevel, type Server } from '@modelcontextprotocol/server';
import type { LogLevel } from '../../../shared/model.ts';
import { DisposableStore, type Disposable } from '../base/lifecycle.ts';
import type { NewLogEntry } from '../store/logs.ts';
import type { NewMessage } from '../store/traces.ts';
import { RateLimit } from '../supervisor/output-capture.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import { GatewayCatalog } from './catalog.ts';
import { DirectToolCalls, type DirectResponse, type DirectToolCall } from './entry/direct.ts';
import { DownstreamServers } from './entry/downstream.ts';
import type { Era, Identity } from './pipeline/context.ts';
import { Pipeline, type Interceptor } from './pipeline/pipeline.ts';
import { UpstreamPool, type GuardFactory } from './pipeline/upstream-pool.ts';
import { exposeResourceUri, ResourceOwners } from './router/resources.ts';
import { Router, type RouteDeps } from './router/router.ts';
import { askAsStep } from './router/upstream-call.ts';
import type { Scope } from './scope.ts';
import { DownstreamSessions, type ModernNotifier } from './sessions.ts';
import { RecordingTransport, type Tracer } from './tracing.ts';

export type { Era } from './pipeline/context.ts';

export interface GatewayOptions {
  version: string;
  /** Items per page of tools/list, prompts/list, resources/list. */
  pageSize?: number;
  /** How long a list request waits for servers that are still starting (many clients list only once). */
  startingWaitMs?: number;
  /** The pipeline's interceptors, in order (authentication, policy, limits, metrics, the trace sink, ...). */
  interceptors?: readonly Interceptor[];
  /** The guard (breaker, limits) each replica's requests run under. */
  guards?: GuardFactory;
  /** What a client may see (its profile), for the notifications of its sessions; the pipeline's access step uses the same. */
  scopes?: (identity: Identity) => Scope | undefined;
  log(entry: NewLogEntry): void;
  /** Starts the spans of requests (on OpenTelemetry: the store and an exporter are its span processors). */
  tracer: Tracer;
  /** Where the messages of 2026-07-28 requests (and of the direct path) go. */
  recordMessage(message: NewMessage): void;
}

/**
 * The aggregating MCP server, composed: the catalog of every ready server under one namespace, the pipeline
 * every request goes through (`Router → interceptors → UpstreamPool`), its entry paths (SDK sessions of both eras,
 * the direct hot path), and the notifications that fan out to every downstream session. A server's own requests
 * (sampling, elicitation, roots) go to the client whose call caused them.
 */
export class Gateway implements Disposable {
  readonly catalog: GatewayCatalog;
  readonly pool: UpstreamPool;
  readonly sessions: DownstreamSessions;
  readonly tracer: Tracer;
  private readonly pipeline: Pipeline;
  private readonly downstreams: DownstreamServers;
  private readonly direct: DirectToolCalls;
  private readonly disposables = new DisposableStore();
  private readonly startingWaitMs: number;
  /** Per replica: the rate its MCP log messages are stored at. */
  private readonly logLimits = new Map<string, { rate: RateLimit; dropped: number }>();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly options: GatewayOptions,
  ) {
    this.startingWaitMs = options.startingWaitMs ?? 5000;
    this.tracer = options.tracer;
    this.catalog = this.disposables.add(new GatewayCatalog(supervisor));
    this.pool = new UpstreamPool(supervisor, (server, message) => options.log({ server, stream: 'app', level: 'warn', message }), options.guards);
    // The sessions expose resource URIs as the router does; both are built here, one closure apart.
    this.sessions = new DownstreamSessions(supervisor, (server, uri) => exposeResourceUri(deps, server, uri), options.scopes);
    const deps: RouteDeps = {
      catalog: this.catalog,
      pool: this.pool,
      sessions: this.sessions,
      owners: new ResourceOwners(),
      pageSize: options.pageSize ?? 1000,
      mint: (state) => this.downstreams.mint(state),
      waitForStartingServers: (only) => this.waitForStartingServers(only),
    };
    this.pipeline = new Pipeline(options.interceptors ?? [], new Router(deps));
    this.downstreams = new DownstreamServers({
      version: options.version,
      pipeline: this.pipeline,
      tracer: this.tracer,
      catalog: this.catalog,
      // A 2026-07-28 request's messages are recorded here (a legacy session's by whoever owns its transport).
      decorateTransport: (transport, era) => (era === 'modern' ? new RecordingTransport(transport, { hop: 'client', session: null, server: null }, options.recordMessage, true) : transport),
    });
    this.direct = new DirectToolCalls(this.pipeline, this.tracer, this.sessions, this.catalog, options.recordMessage);
    this.disposables.add(this.catalog.onDidChange((delta) => this.sessions.announce(delta)));
  }

  /** Registers our handlers on a new upstream client (of replica `member`), before it connects. */
  attachUpstream(client: Client, member: string, declared: ClientCapabilities): void {
    if (declared.elicitation) {
      client.setRequestHandler('elicitation/create', async (request) => (await this.relay(member, 'elicitation', { method: 'elicitation/create', params: request.params })) as ElicitResult);
    }
    if (declared.sampling) {
      client.setRequestHandler('sampling/createMessage', async (request) => (await this.relay(member, 'sampling', { method: 'sampling/createMessage', params: request.params })) as CreateMessageResult);
    }
    if (declared.roots) {
      client.setRequestHandler('roots/list', async () => {
        const lease = this.pool.leaseOf(member);
        if (lease?.caller.capabilities()?.roots) return (await askAsStep(lease.caller, lease.span, { method: 'roots/list' })) as ListRootsResult;
        const group = this.supervisor.groupOf(member) ?? member;
        return { roots: (this.supervisor.get(group)?.config.roots ?? []).map((root) => ({ uri: root.startsWith('file://') ? root : `file://${root}` })) };
      });
    }
    client.setNotificationHandler('notifications/message', (notification) => this.onUpstreamLog(member, notification.params));
    client.setNotificationHandler('notifications/resources/updated', (notification) => this.sessions.resourceUpdated(this.supervisor.groupOf(member) ?? member, notification.params.uri));
  }

  /** The 2026-07-28 leg's notifier (subscriptions/listen streams), from the HTTP handler. */
  setModernNotifier(notifier: ModernNotifier): void {
    this.sessions.setModernNotifier(notifier);
  }

  /** Which legacy sessions cannot take more notifications now (their client does not read its stream). */
  setBackpressure(blocked: (sessionId: string) => boolean): void {
    this.sessions.setBackpressure(blocked);
  }

  /** A legacy session began (its `Server` is connected); notifications not tied to a call go to it. */
  openSession(id: string, server: Server, identity: Identity): void {
    this.sessions.open(id, server, identity);
  }

  closeSession(id: string): void {
    this.sessions.close(id);
  }

  get sessionCount(): number {
    return this.sessions.count;
  }

  /**
   * A downstream MCP server of the gateway: one per legacy session (of the client given), or per 2026-07-28
   * request (whose client comes with each request, from the endpoint's authentication).
   */
  createServer(era: Era, identity?: Identity | (() => Identity)): Server {
    return this.downstreams.create(era, identity);
  }

  /** The hot path of a 2025-era session (see DirectToolCalls); resolves with the JSON-RPC response to send. */
  callToolDirect(sessionId: string, request: DirectToolCall, signal: AbortSignal): Promise<DirectResponse> {
    return this.direct.call(sessionId, request, signal);
  }

  /**
   * Waits while servers are starting, so a client's first list is complete, but only where it helps: only for
   * the servers given (all when none are), and only during the first `startingWaitMs` of a server's start; a
   * server stuck in its handshake is not waited for again (its tools come with list_changed when it is ready).
   */
  private async waitForStartingServers(only?: readonly string[]): Promise<void> {
    const deadlineOf = (server: { currentState: string; status(): { since: number } }) => (server.currentState === 'starting' ? server.status().since + this.startingWaitMs : 0);
    const waitedFor = () =>
      this.supervisor
        .list()
        .filter((server) => !only || only.includes(server.name))
        .flatMap((server) => this.supervisor.replicas(server.name))
        .map(deadlineOf)
        .filter((deadline) => deadline > Date.now());
    if (waitedFor().length === 0) return;
    while (waitedFor().length > 0) await new Promise((resolve) => setTimeout(resolve, 25));
    // Servers that just became ready: their tools must be in this answer, not in the next coalesced rebuild.
    this.catalog.rebuild();
  }

  /** Sends a server's request (sampling, elicitation) to the client whose call caused it. */
  private async relay(member: string, capability: 'elicitation' | 'sampling', request: { method: string; params?: Record<string, unknown> }): Promise<unknown> {
    const lease = this.pool.leaseOf(member);
    if (!lease) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `MCP Switchboard: no client call is in progress on "${member}" to answer ${request.method}`);
    if (!lease.caller.capabilities()?.[capability]) {
      throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `MCP Switchboard: the calling client does not support ${capability} (it did not declare the capability)`);
    }
    return askAsStep(lease.caller, lease.span, request);
  }

  /** An upstream's log message: stored, and forwarded to sessions that asked for logs, tagged with the server. */
  private onUpstreamLog(member: string, params: { level: LoggingLevel; logger?: string; data?: unknown }): void {
    // Kept like stderr lines: at most 1,000 a second per server, each cut at 8 KB; the excess is counted.
    const limit = this.logLimits.get(member) ?? this.logLimits.set(member, { rate: new RateLimit(1000, 5000), dropped: 0 }).get(member)!;
    if (limit.rate.allow()) {
      const text = typeof params.data === 'string' ? params.data : safeJson(params.data);
      const message = params.logger ? `[${params.logger}] ${text}` : text;
      this.options.log({ server: member, stream: 'mcp', level: toLogLevel(params.level), message: message.length > 8192 ? `${message.slice(0, 8192)} … [cut: ${message.length - 8192} more characters]` : message });
    } else if (limit.dropped++ === 0) {
      setTimeout(() => {
        this.options.log({ server: member, stream: 'lifecycle', level: 'warn', message: `dropped ${limit.dropped} MCP log messages: more than 1000 a second` });
        limit.dropped = 0;
      }, 1000).unref();
    }
    this.sessions.forwardLog(member, params);
  }

  dispose(): void {
    this.disposables.dispose();
    this.sessions.dispose();
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[a value that cannot be shown as JSON]';
  }
}

function toLogLevel(level: LoggingLevel): LogLevel {
  if (level === 'debug') return 'debug';
  if (level === 'info' || level === 'notice') return 'info';
  if (level === 'warning') return 'warn';
  return 'error';
}
