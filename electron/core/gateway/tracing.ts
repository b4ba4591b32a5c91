import crypto from 'node:crypto';
import type { JSONRPCMessage, MessageExtraInfo, Transport } from '@modelcontextprotocol/server';
import { TransportDecorator } from '../base/transport-decorator.ts';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Span as OtelSpan, type Tracer as OtelTracer } from '@opentelemetry/api';
import type { SpanStatus } from '../../../shared/model.ts';
import type { NewMessage } from '../store/traces.ts';

/**
 * A trace id that starts with the time in milliseconds (12 hex digits) and ends with 10 random bytes, as AWS
 * X-Ray's ids do. Still a valid W3C trace-id (its rightmost 7 bytes are random), and it sorts by time, so
 * the store's trace_id indexes grow at their end: random ids cost sqlite twice as much per row (a measured
 * 11-12 µs against 5-7 µs per message row), on the event loop, for every call.
 */
export function newTraceId(now = Date.now()): string {
  return now.toString(16).padStart(12, '0').slice(-12) + newId(10);
}

/** W3C trace context, as it travels in a request's `_meta.traceparent`. */
export interface TraceParent {
  readonly traceId: string;
  /** Null for a trace started where the request came in, before any span. */
  readonly spanId: string | null;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Reads a `traceparent` (version 00 or later); undefined for anything malformed or all-zero. */
export function parseTraceparent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match || match[1] === 'ff' || /^0+$/.test(match[2]!) || /^0+$/.test(match[3]!)) return undefined;
  return { traceId: match[2]!, spanId: match[3]! };
}

export function formatTraceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

/**
 * Random ids from a pool refilled in large blocks: one `randomFillSync` per 512 ids instead of one per span
 * (it showed up at 4% of the gateway's CPU under load).
 */
const pool = Buffer.alloc(8192);
let poolOffset = pool.length;
function newId(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    crypto.randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.toString('hex', poolOffset - bytes, poolOffset);
}

/** The attributes a span carries; filled in as the request is routed. */
export interface SpanAttributes {
  method: string | null;
  session: string | null;
  client: string | null;
  server: string | null;
  tool: string | null;
  rpcId: string | null;
}

/**
 * The project's ids as an OpenTelemetry id generator: time-ordered trace ids (see newTraceId) and span ids from
 * the pooled random bytes. `continueTrace` makes the next root span take a trace id already chosen (a request
 * whose transport started its trace before any span), which OpenTelemetry cannot express as a parent.
 */
export class TimeOrderedIds {
  private next: string | undefined;

  continueTrace(traceId: string): void {
    this.next = traceId;
  }

  generateTraceId(): string {
    const id = this.next ?? newTraceId();
    this.next = undefined;
    return id;
  }

  generateSpanId(): string {
    return newId(8);
  }
}

/** The span attributes of ours that the store reads back (the rest are the MCP semantic conventions'). */
export const ATTR = {
  method: 'mcp.method.name',
  session: 'mcp.session.id',
  rpcId: 'jsonrpc.request.id',
  tool: 'gen_ai.tool.name',
  operation: 'gen_ai.operation.name',
  errorType: 'error.type',
  server: 'switchboard.server',
  client: 'switchboard.client',
  status: 'switchboard.status',
  error: 'switchboard.error',
} as const;

/**
 * A span being measured, on OpenTelemetry: `end` ends it (once), with its attributes named after the MCP semantic
 * conventions. Whoever processes spans (the local store, an OTLP exporter) gets them from the tracer provider.
 */
export class ActiveSpan {
  private ended = false;

  constructor(
    private readonly tracer: OtelTracer,
    readonly otel: OtelSpan,
    readonly attributes: SpanAttributes,
    /** The request the gateway received (a SERVER span); its parent, if any, is the client's own span. */
    private readonly root: boolean,
  ) {}

  get traceId(): string {
    return this.otel.spanContext().traceId;
  }

  get spanId(): string {
    return this.otel.spanContext().spanId;
  }

  /**
   * A step of this span: route, ask, cache hit (internal), the upstream request (`client`: the gateway is the
   * upstream's client), a request a server sends its client through us (`client` too).
   */
  child(name: string, kind: 'internal' | 'client' = 'internal'): ActiveSpan {
    const span = this.tracer.startSpan(name, { kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL }, trace.setSpan(ROOT_CONTEXT, this.otel));
    return new ActiveSpan(this.tracer, span, { ...this.attributes, rpcId: null }, false);
  }

  /**
   * A step that is worth a span only when it took a while or failed: routing takes microseconds, unless it waited
   * for a server that was starting. Three spans a call instead of two cost the hot path more than they tell.
   */
  stepIfSlow(name: string, thresholdMs = 1): { readonly attributes: SpanAttributes; end(status?: SpanStatus, error?: string | null): void } {
    const started = performance.now();
    const attributes = { ...this.attributes, rpcId: null };
    return {
      attributes,
      end: (status = 'ok', error = null) => {
        if (status === 'ok' && performance.now() - started < thresholdMs) return;
        const span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL, startTime: performance.timeOrigin + started }, trace.setSpan(ROOT_CONTEXT, this.otel));
        new ActiveSpan(this.tracer, span, attributes, false).end(status, error);
      },
    };
  }

  /** Something that happened during the span (progress, cancellation), at this moment. */
  event(name: string, attributes?: Record<string, string | number>): void {
    if (!this.ended) this.otel.addEvent(name, attributes);
  }

  /** This span as the parent of an upstream request: the value for its `_meta.traceparent`. */
  get traceparent(): string {
    return formatTraceparent(this.traceId, this.spanId);
  }

  end(status: SpanStatus = 'ok', error: string | null = null): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.otel;
    if (span.isRecording()) {
      const a = this.attributes;
      const attributes: Attributes = { [ATTR.status]: status };
      if (a.method !== null) attributes[ATTR.method] = a.method;
      if (a.session !== null) attributes[ATTR.session] = a.session;
      if (a.rpcId !== null) attributes[ATTR.rpcId] = a.rpcId;
      if (a.tool !== null) attributes[ATTR.tool] = a.tool;
      if (a.server !== null) attributes[ATTR.server] = a.server;
      if (a.client !== null) attributes[ATTR.client] = a.client;
      if (error !== null) attributes[ATTR.error] = error;
      if (status !== 'ok') attributes[ATTR.errorType] = status === 'tool-error' ? 'tool_error' : status === 'cancelled' ? 'cancelled' : '_OTHER';
      if (this.root && a.method === 'tools/call') {
        attributes[ATTR.operation] = 'execute_tool';
        // The conventions name a span `{mcp.method.name} {target}`; the target is known once routed.
        if (a.tool !== null) span.updateName(`tools/call ${a.tool}`);
      }
      span.setAttributes(attributes);
      if (status === 'error' || status === 'tool-error') span.setStatus({ code: SpanStatusCode.ERROR, ...(error !== null ? { message: error } : {}) });
    }
    span.end();
  }
}

/**
 * Starts the spans of requests the gateway receives, on an OpenTelemetry tracer: continuing the caller's W3C trace
 * when its request carries one, else a new one.
 */
export class Tracer {
  constructor(
    private readonly otel: OtelTracer,
    private readonly ids?: TimeOrderedIds,
  ) {}

  start(name: string, attributes: SpanAttributes, parent?: TraceParent): ActiveSpan {
    let context = ROOT_CONTEXT;
    if (parent?.spanId) context = trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    else if (parent) this.ids?.continueTrace(parent.traceId);
    return new ActiveSpan(this.otel, this.otel.startSpan(name, { kind: SpanKind.SERVER }, context), attributes, true);
  }
}

/**
 * A transport decorator that records every JSON-RPC message crossing it, and otherwise changes nothing:
 * the gateway and the supervisor stay free of recording calls.
 */
export class RecordingTransport extends TransportDecorator {
  /** Requests with a trace, so their responses get the same trace. */
  private readonly traceOfRequest = new Map<string | number, string>();

  constructor(
    inner: Transport,
    private readonly where: Pick<NewMessage, 'hop' | 'session' | 'server'>,
    private readonly record: (message: NewMessage) => void,
    /** A request that arrives without a trace starts one here (a 2026-07-28 request has no session to match it by). */
    private readonly startsTraces = false,
  ) {
    super(inner);
  }

  /** The trace a request that came in on this transport belongs to. */
  traceOf(requestId: string | number): string | undefined {
    return this.traceOfRequest.get(requestId);
  }

  protected override received(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    this.note('in', message);
    this.deliver(message, extra);
  }

  protected override sending(message: JSONRPCMessage): void {
    this.note('out', message);
  }

  /** A sink never throws into the hop: whatever goes wrong here, the message goes on. */
  private note(direction: 'in' | 'out', message: JSONRPCMessage): void {
    try {
      this.noteUnsafe(direction, message);
    } catch {
      // Recording is best effort; the store reports what it could not write.
    }
  }

  /** Pings are liveness checks (every few seconds on an idle server): counted, not recorded one by one. */
  pings = 0;
  private readonly pingIds = new Set<string | number>();

  private noteUnsafe(direction: 'in' | 'out', message: JSONRPCMessage): void {
    if ('method' in message && message.method === 'ping' && 'id' in message) {
      this.pings++;
      this.pingIds.add(message.id);
      return;
    }
    if (!('method' in message) && 'id' in message && message.id !== undefined && message.id !== null && this.pingIds.delete(message.id)) return;
    let traceId: string | null = null;
    if ('method' in message) {
      traceId = parseTraceparent((message.params?._meta as Record<string, unknown> | undefined)?.traceparent)?.traceId ?? null;
      if (!traceId && this.startsTraces && direction === 'in' && 'id' in message) traceId = newTraceId();
      if (traceId && 'id' in message) this.traceOfRequest.set(message.id, traceId);
    } else if ('id' in message && message.id !== undefined && message.id !== null) {
      traceId = this.traceOfRequest.get(message.id) ?? null;
      this.traceOfRequest.delete(message.id);
    }
    this.record({ time: Date.now(), ...this.where, session: this.inner.sessionId ?? this.where.session, direction, traceId, message });
  }
}
