import { ProtocolError, ProtocolErrorCode, type CallToolResult } from '@modelcontextprotocol/server';
import type { NewMessage } from '../../store/traces.ts';
import type { GatewayCatalog } from '../catalog.ts';
import type { Caller } from '../pipeline/context.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { DownstreamSessions } from '../sessions.ts';
import { parseTraceparent, type Tracer } from '../tracing.ts';
import { ASK_TIMEOUT_MS } from './downstream.ts';

/** A plain tools/call of a 2025 session, as the HTTP endpoint read it. */
export interface DirectToolCall {
  readonly id: string | number;
  readonly params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> };
}

export interface DirectResponse {
  jsonrpc: '2.0';
  id: string | number;
  result?: CallToolResult;
  error?: { code: number; message: string; data?: unknown };
}

/**
 * The hot path of a 2025-era session: a tools/call without a progress token, answered as one JSON body by the
 * HTTP endpoint, without the SDK's per-request stream and validation. The same pipeline as every other path;
 * the replica's own requests reach the client on the session's notification stream. This path is its own
 * transport, so it records its two messages itself.
 */
export class DirectToolCalls {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly tracer: Tracer,
    private readonly sessions: DownstreamSessions,
    private readonly catalog: GatewayCatalog,
    private readonly record: (message: NewMessage) => void,
  ) {}

  async call(sessionId: string, request: DirectToolCall, signal: AbortSignal): Promise<DirectResponse> {
    const downstream = this.sessions.server(sessionId);
    if (!downstream) return { jsonrpc: '2.0', id: request.id, error: { code: -32001, message: 'Session not found' } };
    const record = (direction: 'in' | 'out', message: unknown) =>
      this.record({ time: Date.now(), hop: 'client', direction, session: sessionId, server: null, traceId: null, message });
    record('in', { jsonrpc: '2.0', id: request.id, method: 'tools/call', params: request.params });
    const name = downstream.getClientVersion()?.name ?? null;
    const identity = this.sessions.identity(sessionId);
    if (!identity) return { jsonrpc: '2.0', id: request.id, error: { code: -32001, message: 'Session not found' } };
    const caller: Caller = {
      era: 'legacy',
      identity,
      session: sessionId,
      name,
      capabilities: () => downstream.getClientCapabilities(),
      ask: (question) => downstream.request(question as never, { timeout: ASK_TIMEOUT_MS, signal }),
    };
    const span = this.tracer.start(
      'tools/call',
      { method: 'tools/call', session: sessionId, client: name, server: null, tool: null, rpcId: String(request.id) },
      parseTraceparent(request.params._meta?.traceparent),
    );
    let response: DirectResponse;
    try {
      let result = (await this.pipeline.run({ method: 'tools/call', params: request.params, caller, span, signal })) as CallToolResult;
      const structured = result.structuredContent as unknown;
      if (structured !== undefined && (typeof structured !== 'object' || structured === null || Array.isArray(structured))) {
        result = downstream.projectCallToolResult(result, this.catalog.snapshot.toolOrigins.get(request.params.name)?.tool.outputSchema);
      }
      response = { jsonrpc: '2.0', id: request.id, result };
    } catch (error) {
      const code = error instanceof ProtocolError ? error.code : ProtocolErrorCode.InternalError;
      const data = error instanceof ProtocolError && error.data !== undefined ? { data: error.data } : {};
      response = { jsonrpc: '2.0', id: request.id, error: { code, message: error instanceof Error ? error.message : String(error), ...data } };
    }
    record('out', response);
    return response;
  }
}
