// A loopback OTLP/HTTP receiver for tests: what a collector would get from Switchboard, decoded with the official
// OpenTelemetry protobuf definitions (opentelemetry-proto, vendored in test/fixtures with its licence) by protobufjs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import protobuf from 'protobufjs';
import { repoRoot } from './fs.ts';

const protoRoot = path.join(repoRoot, 'test', 'fixtures', 'opentelemetry-proto');
const definitions = new protobuf.Root();
// Imports inside the .proto files are relative to the root of the definitions.
definitions.resolvePath = (_origin, target) => path.join(protoRoot, target);
definitions.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
const ExportTraceServiceRequest = definitions.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 2 SERVER, 3 CLIENT, 1 INTERNAL (the proto's SpanKind) */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  events: { name: string; attributes: Record<string, string | number | boolean> }[];
  status: { code?: number; message?: string };
  resource: Record<string, string | number | boolean>;
}

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
}

const flat = (list: KeyValue[] | undefined) =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue ?? '']));

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** The headers of each export request. */
  headers: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url !== '/v1/traces' || request.headers['content-type'] !== 'application/x-protobuf') {
        response.writeHead(404).end();
        return;
      }
      headers.push(request.headers);
      const message = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(Buffer.concat(chunks)), { bytes: String, longs: String, enums: Number, defaults: false }) as {
        resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[];
      };
      for (const resourceSpans of message.resourceSpans ?? []) {
        const resource = flat(resourceSpans.resource?.attributes);
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              traceId: Buffer.from(span.traceId as string, 'base64').toString('hex'),
              spanId: Buffer.from(span.spanId as string, 'base64').toString('hex'),
              parentSpanId: span.parentSpanId ? Buffer.from(span.parentSpanId as string, 'base64').toString('hex') : '',
              name: span.name as string,
              kind: span.kind as number,
              attributes: flat(span.attributes as KeyValue[]),
              events: ((span.events ?? []) as { name: string; attributes?: KeyValue[] }[]).map((event) => ({ name: event.name, attributes: flat(event.attributes) })),
              status: (span.status ?? {}) as ReceivedSpan['status'],
              resource,
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    headers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
