import { ProtocolError, ProtocolErrorCode, SdkError, SdkErrorCode, SERVER_INFO_META_KEY, type StandardSchemaV1, type Tool } from '@modelcontextprotocol/server';
import type { CallContext, Caller, CallResult, ClientQuestion, ProgressUpdate, RoundState } from '../pipeline/context.ts';
import type { ActiveSpan } from '../tracing.ts';
import type { Lease } from '../pipeline/upstream-pool.ts';

/**
 * A result schema that accepts what the server sent. The SDK's own check of a result is not only redundant on a
 * pass-through (the client downstream validates what it gets), it also probed the era of every request by failing
 * a validation and formatting the error: 5% of the gateway's CPU under load.
 */
const PASS_THROUGH: StandardSchemaV1<unknown, CallResult> = {
  '~standard': { version: 1, vendor: 'mcp-switchboard', validate: (value) => ({ value: value as CallResult }) },
};

/** The reserved `_meta` keys of a 2026-07-28 request: the client's own, never relayed as they are. */
const ENVELOPE_PREFIX = 'io.modelcontextprotocol/';
const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';

/** How many input_required rounds a 2025 client's call may take through a 2026-07-28 server. */
const MAX_ROUNDS = 16;

/** Mints the signed `requestState` of a round the gateway hands a 2026-07-28 client. */
export type MintRoundState = (state: RoundState) => Promise<string>;

/** An input_required result of the gateway's, as a 2026-07-28 client receives it. */
export interface InputRequiredAnswer extends CallResult {
  resultType: 'input_required';
  inputRequests: Record<string, unknown>;
  requestState: string;
}

/**
 * Sends one request to the leased replica, as the calling client would have sent it: its `_meta` passed on (our
 * span as the W3C parent, its capabilities to a 2026-07-28 server), progress relayed, the result passed back as
 * the server sent it (minus the server's identity stamp, which would override ours). A 2026-07-28 server's
 * `input_required` goes to a 2026-07-28 client as it is (keys as the server keyed them, its state wrapped in ours);
 * a 2025 client is asked every question of a round at once, and the call goes on with the answers.
 */
export async function callUpstream(
  ctx: CallContext,
  lease: Lease,
  request: { method: string; params: Record<string, unknown>; tool?: Tool },
  mint: MintRoundState,
): Promise<CallResult> {
  const step = ctx.span.child(`upstream ${request.method}`, 'client');
  lease.span = step;
  const modern = lease.client.getProtocolEra() === 'modern';
  const meta: Record<string, unknown> = { ...forwardedMeta(request.params._meta), traceparent: step.traceparent };
  if (modern) meta[CLIENT_CAPABILITIES] = ctx.caller.capabilities() ?? {};
  let params: Record<string, unknown> = { ...request.params, _meta: meta };
  // A 2026-07-28 client's retry: its answers (keyed as the server asked) and the server's own state go back up.
  if (modern && ctx.inputResponses) params = { ...params, inputResponses: ctx.inputResponses };
  if (modern && ctx.roundState?.upstreamState !== undefined) params = { ...params, requestState: ctx.roundState.upstreamState };
  const options = {
    signal: ctx.signal,
    timeout: lease.timeoutMs,
    resetTimeoutOnProgress: true,
    ...(ctx.onprogress ? { onprogress: progressOf(step, ctx.onprogress) } : {}),
    ...(modern ? { allowInputRequired: true } : {}),
  };
  // A cancellation is an event of the upstream request: when it came, and why (the client's reason or the deadline).
  const cancelled = () => step.event('cancelled', { reason: errorText(ctx.signal.reason ?? 'cancelled') });
  ctx.signal.addEventListener('abort', cancelled, { once: true });
  try {
    for (let round = 1; ; round++) {
      const sent = params;
      const result = await lease.run(
        () =>
          modern && request.method === 'tools/call' && request.tool
            ? // callTool mirrors the tool's x-mcp-header arguments into headers, which a 2026-07-28 server may require;
              // without the output schema, it does not check the result against it.
              (lease.client.callTool(sent as never, { ...options, toolDefinition: { ...request.tool, outputSchema: undefined } }) as Promise<CallResult>)
            : lease.client.request({ method: request.method, params: sent } as never, PASS_THROUGH, options),
        ctx.signal,
      );
      if (result.resultType !== 'input_required') {
        step.end((result as { isError?: boolean }).isError ? 'tool-error' : 'ok');
        return withoutServerInfo(result);
      }
      const inputRequests = (result.inputRequests ?? {}) as Record<string, { method: string; params?: Record<string, unknown> }>;
      const upstreamState = typeof result.requestState === 'string' ? result.requestState : undefined;
      if (ctx.caller.era === 'modern') {
        step.end('ok');
        const requestState = await mint({ server: lease.server, replica: lease.replica.name, ...(upstreamState !== undefined ? { upstreamState } : {}) });
        return { resultType: 'input_required', inputRequests, requestState } satisfies InputRequiredAnswer;
      }
      if (round > MAX_ROUNDS) throw new ProtocolError(ProtocolErrorCode.InternalError, `Server "${lease.server}" asked for input ${MAX_ROUNDS} times in one call; Switchboard stopped the call`);
      // A 2025 client answers the questions as requests of the server's, all of them at once.
      const entries = Object.entries(inputRequests);
      step.event('input_required', { round, questions: entries.length });
      const answers = await Promise.all(entries.map(([, question]) => askAsStep(ctx.caller, step, { method: question.method, params: question.params })));
      params = { ...params, inputResponses: Object.fromEntries(entries.map(([key], index) => [key, answers[index]])), ...(upstreamState !== undefined ? { requestState: upstreamState } : {}) };
      if (upstreamState === undefined) delete params.requestState;
    }
  } catch (error) {
    step.end(ctx.signal.aborted ? 'cancelled' : 'error', errorText(error));
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', cancelled);
  }
}

/** Relays the server's progress, each update an event of the upstream request's span. */
function progressOf(step: ActiveSpan, onprogress: (update: ProgressUpdate) => void): (update: ProgressUpdate) => void {
  return (update) => {
    step.event('progress', { progress: update.progress, ...(update.total !== undefined ? { total: update.total } : {}), ...(update.message !== undefined ? { message: update.message } : {}) });
    onprogress(update);
  };
}

/**
 * Asks the client of a call what its server asks (sampling, elicitation, roots, an input_required round's
 * questions), as a span of the call's upstream request: the time a person took to answer is the client's, not the
 * server's.
 */
export async function askAsStep(caller: Caller, step: ActiveSpan | undefined, question: ClientQuestion): Promise<unknown> {
  const span = step?.child(question.method, 'client');
  try {
    const answer = await caller.ask(question);
    span?.end('ok');
    return answer;
  } catch (error) {
    span?.end('error', errorText(error));
    throw error;
  }
}

/** The client's `_meta` without what belongs to its own hop: its progress token (ours is sent) and its envelope keys. */
function forwardedMeta(meta: unknown): Record<string, unknown> {
  if (typeof meta !== 'object' || meta === null) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'progressToken' || key.startsWith(ENVELOPE_PREFIX)) continue;
    out[key] = value;
  }
  return out;
}

/** The upstream's own identity stamp would override ours on 2026-07-28 responses. */
export function withoutServerInfo<T extends CallResult>(result: T): T {
  const meta = result._meta as Record<string, unknown> | undefined;
  if (!meta || !(SERVER_INFO_META_KEY in meta)) return result;
  const { [SERVER_INFO_META_KEY]: _upstream, ...rest } = meta;
  return { ...result, _meta: rest };
}

/** Why an upstream request failed, for a person: a timeout or a dead connection in words; the server's own error as it is. */
export function describeUpstreamFailure(error: unknown, server: string, timeoutMs: number): string | undefined {
  if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) return `Server "${server}" did not answer within ${timeoutMs / 1000} s (timeoutMs in its config).`;
  if (error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed) return `Server "${server}" stopped while handling the request; it was not retried.`;
  return undefined;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
