import { z } from 'zod';
import { isMethod, METHODS, type ApiError, type ApiErrorCode, type ArgsOf, type Envelope, type Method, type ResultOf } from '../../../shared/contract.ts';
import { ClientFileError } from '../clients/index.ts';
import { ConfigError } from '../config/parse.ts';
import { UnknownServerError } from '../supervisor/supervisor.ts';

/** One implementation per method of the contract. */
export type Handlers = { [M in Method]: (args: ArgsOf<M>) => ResultOf<M> | Promise<ResultOf<M>> };

/** A failure with its code, thrown by handlers; anything else thrown becomes `failed` with its message. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** A call arriving from a bridge: an unknown method name and unknown arguments, until checked. */
export type Dispatch = (method: unknown, args: unknown) => Promise<Envelope<unknown>>;

/**
 * Checks the method and its arguments (the page is not trusted to send what its types say), runs the handler,
 * and answers with an envelope. Never rejects, never sends a stack trace.
 */
export function createDispatch(handlers: Handlers): Dispatch {
  return async (method, args) => {
    if (!isMethod(method)) return failure('unknown-method', `no method named ${JSON.stringify(method)}`);
    const parsed = METHODS[method].args.safeParse(args);
    if (!parsed.success) return failure('invalid-args', `${method}: ${z.prettifyError(parsed.error)}`);
    try {
      const handler = handlers[method] as (value: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toApiError(error) };
    }
  };
}

/** Our errors by kind; the message is the one a person reads. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiFailure) return { code: error.code, message: error.message };
  if (error instanceof ConfigError) return { code: 'invalid-config', message: error.message };
  if (error instanceof UnknownServerError) return { code: 'not-found', message: error.message };
  if (error instanceof ClientFileError) return { code: 'failed', message: error.message };
  return { code: 'failed', message: error instanceof Error ? error.message : String(error) };
}

export function failure(code: ApiErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}
