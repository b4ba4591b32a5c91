import type { ApiError, CallArgs, Method, ResultOf } from '../../shared/contract.ts';
import type { Bridge } from '../bridge/index.ts';

/** A failed call, with the core's code and message. */
export class CallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'CallError';
  }

  get code(): ApiError['code'] {
    return this.error.code;
  }
}

/** Calls a method and returns its value; a failure throws CallError with our own message. */
export async function call<M extends Method>(api: Bridge, method: M, ...args: CallArgs<M>): Promise<ResultOf<M>> {
  const result = await api.invoke(method, ...args);
  if (!result.ok) throw new CallError(result.error);
  return result.value;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
