import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServerStatus } from '../../../shared/model.ts';
import type { Interceptor } from '../gateway/pipeline/pipeline.ts';
import { FleetStats } from './fleet-stats.ts';

/**
 * Seconds, from a sub-millisecond hop to minute-long tools: what a call through the gateway can take.
 * (The OpenTelemetry MCP conventions advise the same span of buckets for `mcp.server.operation.duration`.)
 */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** At most this many distinct tools per server are labels; the rest are counted under `_other`. */
export const MAX_TOOLS_PER_SERVER = 200;
/** At most this many distinct clients are labels (clients are named by the person, but a bound is a bound). */
export const MAX_CLIENTS = 100;
export const OTHER = '_other';

/** What the metrics read at scrape time. */
export interface MetricsSource {
  statuses(): ServerStatus[];
  /** Legacy sessions by client; 2026-07-28 clients have none. */
  sessionsByClient(): ReadonlyMap<string, number>;
  droppedNotifications(): number;
  storeDroppedWrites(): number;
  /** Requests on the server's replicas now (the upstream pool's own count). */
  inFlight(server: string): number;
  /** Liveness pings sent to the server's replicas (counted, never logged one by one). */
  healthProbes(server: string): number;
}

/**
 * The Prometheus metrics of the gateway (prom-client), named after the OpenTelemetry MCP semantic conventions where
 * they exist (`mcp_server_operation_duration_seconds` with `mcp_method_name`, `gen_ai_tool_name`, `error_type`) and
 * the Prometheus naming guide otherwise (`switchboard_*`). Labels are bounded: tools per server and clients are
 * capped. Served at `/metrics` behind the admin token (or `SWITCHBOARD_METRICS_TOKEN`).
 */
export class Metrics {
  readonly registry = new Registry();
  /** The same calls, kept by 10-second slot for the window's numbers over time. */
  readonly fleet = new FleetStats();
  private readonly duration: Histogram<string>;
  private readonly refused: Counter<string>;
  private readonly tools = new Map<string, Set<string>>();
  private readonly clients = new Set<string>();

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    this.duration = new Histogram({
      name: 'mcp_server_operation_duration_seconds',
      help: 'MCP request duration as the gateway observed it, from received to answered (OpenTelemetry mcp.server.operation.duration).',
      labelNames: ['mcp_method_name', 'gen_ai_tool_name', 'error_type', 'switchboard_server', 'switchboard_client'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'switchboard_requests_in_flight',
      help: 'Requests on the server now (all its replicas).',
      labelNames: ['switchboard_server'],
      registers,
      collect() {
        this.reset();
        for (const status of source.statuses()) this.set({ switchboard_server: status.name }, source.inFlight(status.name));
      },
    });
    this.refused = new Counter({ name: 'switchboard_calls_refused_total', help: 'Calls refused by a client\'s policy (denied) or limits (limited).', labelNames: ['reason', 'switchboard_client'], registers });
    new Gauge({
      name: 'switchboard_server_up',
      help: 'Whether the server is ready (1) or not (0); disabled servers are left out.',
      labelNames: ['switchboard_server', 'state'],
      registers,
      collect() {
        this.reset();
        for (const status of source.statuses()) if (status.state !== 'disabled') this.set({ switchboard_server: status.name, state: status.state }, status.state === 'ready' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchboard_server_restarts',
      help: 'Restarts since the server was last started by hand or by a config change.',
      labelNames: ['switchboard_server'],
      registers,
      collect() {
        this.reset();
        for (const status of source.statuses()) this.set({ switchboard_server: status.name }, status.restarts);
      },
    });
    new Gauge({
      name: 'switchboard_server_breaker_open',
      help: 'The circuit breaker of the server: 1 while calls are refused (open or half-open), 0 when closed.',
      labelNames: ['switchboard_server'],
      registers,
      collect() {
        this.reset();
        for (const status of source.statuses()) this.set({ switchboard_server: status.name }, status.breaker && status.breaker !== 'closed' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchboard_server_log_lines_dropped',
      help: 'Lines of the server\'s output not kept (over the rate limit).',
      labelNames: ['switchboard_server'],
      registers,
      collect() {
        this.reset();
        for (const status of source.statuses()) this.set({ switchboard_server: status.name }, status.droppedLines ?? 0);
      },
    });
    new Gauge({
      name: 'switchboard_server_health_probes',
      help: 'Liveness pings sent to the server since it started (they are counted here, not logged).',
      labelNames: ['switchboard_server'],
      registers,
      collect() {
        this.reset();
        for (const status of source.statuses()) this.set({ switchboard_server: status.name }, source.healthProbes(status.name));
      },
    });
    new Gauge({
      name: 'switchboard_sessions',
      help: 'Open 2025-era sessions, by client (2026-07-28 clients are sessionless).',
      labelNames: ['switchboard_client', 'mcp_protocol_era'],
      registers,
      collect() {
        this.reset();
        for (const [client, count] of source.sessionsByClient()) this.set({ switchboard_client: client, mcp_protocol_era: 'legacy' }, count);
      },
    });
    new Gauge({
      name: 'switchboard_notifications_dropped',
      help: 'Notifications not sent to a session whose client did not read its stream.',
      registers,
      collect() {
        this.set(source.droppedNotifications());
      },
    });
    new Gauge({
      name: 'switchboard_store_writes_dropped',
      help: 'Log lines, messages and spans the store could not keep.',
      registers,
      collect() {
        this.set(source.storeDroppedWrites());
      },
    });
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  /** The histogram's series by its labels, kept (their number is bounded by the label caps): prom-client would hash the labels on every call. */
  private readonly seriesByKey = new Map<string, { observe(value: number): void }>();
  private series(method: string, tool: string, errorType: string, server: string, client: string): { observe(value: number): void } {
    const key = `${method}\u0000${tool}\u0000${errorType}\u0000${server}\u0000${client}`;
    let series = this.seriesByKey.get(key);
    if (!series) {
      series = this.duration.labels({ mcp_method_name: method, gen_ai_tool_name: tool, error_type: errorType, switchboard_server: server, switchboard_client: client });
      this.seriesByKey.set(key, series);
    }
    return series;
  }

  /** The observing step of the pipeline: each request's duration and outcome; never changes or fails a call. */
  readonly interceptor: Interceptor = {
    name: 'metrics',
    intercept: async (ctx, next) => {
      const started = performance.now();
      const finish = (errorType: string) => {
        const decision = ctx.decision?.decision;
        const client = this.client(ctx.caller.identity.client);
        if (decision === 'denied' || decision === 'limited') this.refused.inc({ reason: decision, switchboard_client: client });
        const name = ctx.method === 'tools/call' && typeof ctx.params.name === 'string' ? ctx.params.name : '';
        const server = ctx.span.attributes.server ?? '';
        const tool = name === '' ? '' : this.tool(server, name);
        const durationMs = performance.now() - started;
        this.series(ctx.method, tool, errorType, server, client).observe(durationMs / 1000);
        this.fleet.record(ctx.span.attributes.server, ctx.method === 'tools/call' ? (ctx.span.attributes.tool ?? null) : null, durationMs, errorType !== '' && errorType !== 'cancelled');
      };
      try {
        const result = await next(ctx);
        finish(result.isError === true ? 'tool_error' : '');
        return result;
      } catch (error) {
        finish(ctx.signal.aborted ? 'cancelled' : errorTypeOf(error));
        throw error;
      }
    },
  };

  /** The text Prometheus scrapes. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private tool(server: string, name: string): string {
    let known = this.tools.get(server);
    if (!known) this.tools.set(server, (known = new Set()));
    if (known.has(name)) return name;
    if (known.size >= MAX_TOOLS_PER_SERVER) return OTHER;
    known.add(name);
    return name;
  }

  private client(name: string): string {
    if (this.clients.has(name)) return name;
    if (this.clients.size >= MAX_CLIENTS) return OTHER;
    this.clients.add(name);
    return name;
  }
}

/** `error.type` of a failed request: its JSON-RPC code where it has one, else the error's class. */
function errorTypeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'number') return String(code);
  return error instanceof Error ? error.name : 'error';
}
