/**
 * A 2026-07-28 server may answer a request with an SSE stream, or with a chunked `application/json` body that
 * carries one JSON-RPC message after another: a `subscriptions/listen` stream that stays open, or a call's
 * progress before its result (the conformance suite's own server does both). The SDK's transport reads a JSON
 * body whole, so it waited for the end of a stream that never ends (the server never became ready: "no MCP
 * handshake within 60 s") or failed to parse two values. This fetch wrapper turns a JSON body into the SSE stream
 * the transport reads message by message; a body of one value becomes one event, which reads the same.
 */
export function withStreamedJson(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    // Error statuses carry one JSON error that the transport reads itself (a -32021 comes with HTTP 400).
    if (init?.method !== 'POST' || !response.ok || !response.body || !hasRequest(init.body)) return response;
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return response;
    const headers = new Headers(response.headers);
    headers.set('content-type', 'text/event-stream');
    headers.delete('content-length');
    return new Response(response.body.pipeThrough(jsonValuesToSse()), { status: response.status, statusText: response.statusText, headers });
  };
}

/** A body holding a request (a notification or a response is answered with 202 and no body). */
function hasRequest(body: unknown): boolean {
  return typeof body === 'string' && body.includes('"method"') && body.includes('"id"');
}

/**
 * Splits a byte stream of JSON values (one per line, or simply one after another) into SSE `message` events, one
 * per value, as each value completes. Depth is counted outside strings, so braces inside strings do not count.
 */
export function jsonValuesToSse(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  let scanned = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  const emit = (controller: TransformStreamDefaultController<Uint8Array>) => {
    for (; scanned < buffer.length; scanned++) {
      const char = buffer[scanned]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (char === '\\') escaped = true;
        else if (char === '"') inString = false;
        continue;
      }
      if (char === '"') inString = true;
      else if (char === '{' || char === '[') {
        if (depth === 0) start = scanned;
        depth++;
      } else if ((char === '}' || char === ']') && depth > 0) {
        depth--;
        if (depth === 0 && start >= 0) {
          controller.enqueue(encoder.encode(`event: message\ndata: ${buffer.slice(start, scanned + 1).replace(/\r?\n/g, ' ')}\n\n`));
          start = -1;
        }
      }
    }
    // Keep only what belongs to a value not finished yet.
    const keepFrom = start >= 0 ? start : buffer.length;
    buffer = buffer.slice(keepFrom);
    scanned -= keepFrom;
    if (start >= 0) start = 0;
  };
  return new TransformStream({
    transform(chunk, controller) {
      buffer += decoder.decode(chunk, { stream: true });
      emit(controller);
    },
    flush(controller) {
      buffer += decoder.decode();
      emit(controller);
    },
  });
}
