import { type Attributes, type HrTime, type Tracer as OtelTracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type Span as SdkSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Span, SpanEvent, SpanStatus } from '../../../shared/model.ts';
import type { OtlpExportSettings, OtlpExportStatus } from '../../../shared/telemetry.ts';
import { ATTR, TimeOrderedIds, Tracer } from '../gateway/tracing.ts';

/** Spans the store holds steps for while their root is open; a span that never ends is let go past this. */
const MAX_OPEN = 50_000;

/**
 * The local store as an OpenTelemetry span processor: a root span (the request the gateway received) is one row,
 * with the steps that ended before it; a step that ends later (a parked call's upstream) is a row of its own.
 */
export class StoreSpanProcessor implements SpanProcessor {
  private readonly open = new Map<string, Span[]>();

  constructor(private readonly record: (span: Span) => void) {}

  onStart(span: SdkSpan): void {
    if (this.open.size >= MAX_OPEN) this.open.delete(this.open.keys().next().value!);
    this.open.set(span.spanContext().spanId, []);
  }

  onEnd(span: ReadableSpan): void {
    const id = span.spanContext().spanId;
    const steps = this.open.get(id);
    this.open.delete(id);
    const parent = span.parentSpanContext;
    const parentSteps = parent && !parent.isRemote ? this.open.get(parent.spanId) : undefined;
    // A step's own steps (the question a server asked inside the upstream request) are its root's steps too: flat.
    if (parentSteps) parentSteps.push(toRow(span, undefined), ...(steps ?? []));
    else this.record(toRow(span, steps));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.open.clear();
    return Promise.resolve();
  }
}

function toRow(span: ReadableSpan, steps: Span[] | undefined): Span {
  const a = span.attributes;
  const root = span.kind === SpanKind.SERVER;
  const events = span.events.length > 0 ? span.events.map((event): SpanEvent => ({ name: event.name, time: ms(event.time), ...(event.attributes ? { attributes: plain(event.attributes) } : {}) })) : undefined;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    // The store names a request by its method (the conventions' name adds the tool, which has its own column).
    name: root ? (text(a[ATTR.method]) ?? span.name) : span.name,
    start: ms(span.startTime),
    durationMs: ms(span.duration),
    method: text(a[ATTR.method]),
    session: text(a[ATTR.session]),
    client: text(a[ATTR.client]),
    server: text(a[ATTR.server]),
    tool: text(a[ATTR.tool]),
    status: (text(a[ATTR.status]) ?? 'ok') as SpanStatus,
    error: text(a[ATTR.error]),
    rpcId: text(a[ATTR.rpcId]),
    ...(root ? { root: true } : {}),
    ...(steps && steps.length > 0 ? { steps } : {}),
    ...(events ? { events } : {}),
  };
}

const ms = (time: HrTime): number => time[0] * 1000 + time[1] / 1e6;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const plain = (attributes: Attributes): Record<string, string | number> =>
  Object.fromEntries(Object.entries(attributes).filter((entry): entry is [string, string | number] => typeof entry[1] === 'string' || typeof entry[1] === 'number'));

/** Where OTLP export is configured: the standard environment variables win over the window's setting. */
export function otlpFromEnv(env: NodeJS.ProcessEnv): { endpoint: string } | 'off' | undefined {
  if ((env.OTEL_TRACES_EXPORTER ?? '').split(',').map((part) => part.trim()).includes('none') || env.OTEL_SDK_DISABLED === 'true') return 'off';
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined);
  return endpoint ? { endpoint } : undefined;
}

export interface TelemetryOptions {
  version: string;
  /** Where the store's rows go. */
  record(span: Span): void;
  /** Secrets out of what is exported (error texts), as the store does for what it keeps. */
  redact(text: string): string;
  env?: NodeJS.ProcessEnv;
  /** `SWITCHBOARD_TELEMETRY=off`: no spans recorded or exported (ids still travel), no metrics step. */
  off?: boolean;
}

/**
 * Tracing on OpenTelemetry: one tracer provider with the project's time-ordered ids, the local store as one span
 * processor, and OTLP/HTTP (protobuf) export to a collector as another, off by default. Export is set by the
 * standard `OTEL_EXPORTER_OTLP_*` variables, or in the window (kept in the store's settings; its headers, which
 * often carry a collector's key, in the keychain).
 */
export class Telemetry {
  readonly tracer: Tracer;
  private readonly provider: TracerProvider;
  private readonly env: NodeJS.ProcessEnv;
  private exporter: { processor: BatchSpanProcessor; counting: CountingExporter; endpoint: string; source: 'env' | 'window' } | undefined;

  constructor(private readonly options: TelemetryOptions) {
    this.env = options.env ?? process.env;
    const ids = new TimeOrderedIds();
    const resource = defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'mcp-switchboard', [ATTR_SERVICE_VERSION]: options.version }))
      .merge(detectResources({ detectors: [envDetector] }));
    // The exporter is swapped in and out under one processor, so the window can turn it on without a restart.
    const exporting: SpanProcessor = {
      onStart: () => undefined,
      onEnd: (span) => this.exporter?.processor.onEnd(span),
      forceFlush: async () => this.exporter?.processor.forceFlush(),
      shutdown: async () => this.exporter?.processor.shutdown(),
    };
    this.provider = new TracerProvider({
      idGenerator: ids,
      resource,
      // Every request is kept locally; a collector that samples can do so on its side.
      sampler: options.off ? new AlwaysOffSampler() : new AlwaysOnSampler(),
      spanProcessors: [new StoreSpanProcessor(options.record), exporting],
    });
    const otel: OtelTracer = this.provider.getTracer('mcp-switchboard', options.version);
    this.tracer = new Tracer(otel, ids);
    const fromEnv = otlpFromEnv(this.env);
    if (fromEnv && fromEnv !== 'off' && !options.off) this.startExport(fromEnv.endpoint, undefined, 'env');
  }

  /** Applies the window's setting (unless the environment decides). */
  configure(settings: OtlpExportSettings | undefined, headers: Record<string, string> | undefined): void {
    if (this.exporter?.source === 'env' || otlpFromEnv(this.env) === 'off' || this.options.off) return;
    void this.stopExport();
    if (settings?.enabled && settings.endpoint) this.startExport(settings.endpoint, headers, 'window');
  }

  status(): OtlpExportStatus {
    const fromEnv = otlpFromEnv(this.env);
    return {
      source: fromEnv === undefined ? 'window' : 'env',
      enabled: this.exporter !== undefined,
      endpoint: this.exporter?.endpoint ?? (fromEnv && fromEnv !== 'off' ? fromEnv.endpoint : null),
      exported: this.exporter?.counting.exported ?? 0,
      failed: this.exporter?.counting.failed ?? 0,
      lastError: this.exporter?.counting.lastError ?? null,
      ...(this.options.off ? { off: true } : {}),
    };
  }

  /** Sends what is queued now (before a test reads the collector, before exit). */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown().catch(() => undefined);
  }

  private startExport(endpoint: string, headers: Record<string, string> | undefined, source: 'env' | 'window'): void {
    // From the environment, the exporter reads every OTEL_EXPORTER_OTLP_* variable itself (headers, timeout, TLS).
    const otlp = source === 'env' ? new OTLPTraceExporter() : new OTLPTraceExporter({ url: endpoint, ...(headers ? { headers } : {}) });
    const counting = new CountingExporter(otlp, this.options.redact);
    // How long spans wait in a batch: the standard variable (which this SDK no longer reads itself), else 1 s, so a
    // person who just turned export on sees their calls at the collector at once (under load, batches fill first).
    const delay = Number(this.env.OTEL_BSP_SCHEDULE_DELAY);
    const processor = new BatchSpanProcessor({ exporter: counting, scheduledDelayMillis: Number.isFinite(delay) && delay > 0 ? delay : 1000 });
    this.exporter = { processor, counting, endpoint, source };
  }

  private async stopExport(): Promise<void> {
    const current = this.exporter;
    this.exporter = undefined;
    await current?.processor.shutdown().catch(() => undefined);
  }
}

/**
 * The OTLP exporter, counted for the window (spans sent, batches that failed and why), with secrets taken out of
 * the error texts it sends.
 */
class CountingExporter implements SpanExporter {
  exported = 0;
  failed = 0;
  lastError: string | null = null;

  constructor(
    private readonly inner: SpanExporter,
    private readonly redact: (text: string) => string,
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(
      spans.map((span) => this.redacted(span)),
      (result) => {
        if (result.code === 0) {
          this.exported += spans.length;
          this.lastError = null;
        } else {
          this.failed += spans.length;
          this.lastError = result.error?.message ?? 'the collector did not accept the spans';
        }
        done(result);
      },
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private redacted(span: ReadableSpan): ReadableSpan {
    const error = span.attributes[ATTR.error];
    if (typeof error !== 'string' && span.status.message === undefined) return span;
    return Object.create(span, {
      attributes: { value: typeof error === 'string' ? { ...span.attributes, [ATTR.error]: this.redact(error) } : span.attributes },
      status: { value: span.status.message === undefined ? span.status : { ...span.status, message: this.redact(span.status.message) } },
    }) as ReadableSpan;
  }
}
