/**
 * What the gateway accepts as a JSON-RPC message before anything else reads it: checked once, where it comes in,
 * so that no deeper layer (the SDK's schemas, our recording, a server) meets a message it cannot handle.
 */
import { MAX_DEPTH, nestingDepth } from '../../base/json-depth.ts';

/** A request id longer than this is refused: it is echoed, stored and indexed. */
export const MAX_ID_LENGTH = 256;

/** Why a message is refused, as a JSON-RPC error. */
export interface WireProblem {
  readonly code: -32600 | -32700;
  readonly message: string;
  /** The request's id when it could be read, else null (as JSON-RPC asks). */
  readonly id: string | number | null;
}

/** A digit run of 16 or more after `"id":` may be beyond what a JSON number carries exactly. */
const LONG_NUMERIC_ID = /"id"\s*:\s*-?\d{16,}/;

/**
 * Checks a request body as a client sent it (its text and its parsed value): a JSON-RPC 2.0 message, or a
 * non-empty batch of them, not nested too deep, with ids that survive the round trip unchanged.
 */
export function checkClientMessage(text: string, parsed: unknown): WireProblem | undefined {
  if (nestingDepth(text) > MAX_DEPTH) return { code: -32600, message: `Invalid Request: the message is nested more than ${MAX_DEPTH} levels deep`, id: null };
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  if (messages.length === 0) return { code: -32600, message: 'Invalid Request: an empty batch', id: null };
  for (const message of messages) {
    const problem = checkOne(message, text);
    if (problem) return { ...problem, id: readableId(message) };
  }
  return undefined;
}

function readableId(message: unknown): string | number | null {
  const id = (message as { id?: unknown } | null)?.id;
  if (typeof id === 'string' && id.length <= MAX_ID_LENGTH) return id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

function checkOne(message: unknown, text: string): Omit<WireProblem, 'id'> | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { code: -32600, message: 'Invalid Request: a JSON-RPC message is an object' };
  const value = message as { jsonrpc?: unknown; method?: unknown; id?: unknown; params?: unknown; result?: unknown; error?: unknown };
  if (value.jsonrpc !== '2.0') return { code: -32600, message: 'Invalid Request: "jsonrpc" must be "2.0"' };
  if (value.method !== undefined && typeof value.method !== 'string') return { code: -32600, message: 'Invalid Request: "method" must be a string' };
  if (value.method === undefined && value.result === undefined && value.error === undefined) return { code: -32600, message: 'Invalid Request: neither a request, a notification nor a response' };
  if (value.params !== undefined && (typeof value.params !== 'object' || value.params === null)) return { code: -32600, message: 'Invalid Request: "params" must be an object or an array' };
  if ('id' in value) {
    const id = value.id;
    if (typeof id === 'number') {
      if (!Number.isSafeInteger(id) && (Number.isInteger(id) || LONG_NUMERIC_ID.test(text))) {
        return { code: -32600, message: 'Invalid Request: the id is a number beyond 2^53, which JSON cannot carry exactly; send it as a string' };
      }
    } else if (typeof id === 'string') {
      if (id.length > MAX_ID_LENGTH) return { code: -32600, message: `Invalid Request: the id is ${id.length} characters long; at most ${MAX_ID_LENGTH} are accepted` };
    } else if (id !== null || value.method !== undefined) {
      return { code: -32600, message: 'Invalid Request: "id" must be a string or a number' };
    }
  }
  return undefined;
}
