/**
 * A fetch for the SDK's StreamableHTTPClientTransport: with many requests in flight it passes one shared
 * AbortSignal to every fetch, and each adds an abort listener that is only removed on abort or garbage
 * collection (MaxListenersExceededWarning, and a leak; samanhappy/mcphub#1062). Here every request gets a
 * signal of its own, tied to the caller's by one listener that is removed as soon as the response ends.
 */
export const isolatingFetch: typeof fetch = async (input, init) => {
  const parent = init?.signal;
  if (!parent) return fetch(input, init);
  const controller = new AbortController();
  const abort = () => controller.abort(parent.reason);
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  const release = () => parent.removeEventListener('abort', abort);
  let response: Response;
  try {
    response = await fetch(input, { ...init, signal: controller.signal });
  } catch (error) {
    release();
    throw error;
  }
  if (!response.body) {
    release();
    return response;
  }
  // The caller's signal must still cancel a streaming (SSE) body, so the listener lives until the body ends.
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(stream) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          stream.close();
        } else {
          stream.enqueue(value);
        }
      } catch (error) {
        release();
        stream.error(error);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
};
