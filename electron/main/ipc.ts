import { z } from 'zod';
import type { HealthReport, ServerStatus } from '../../shared/model.ts';
import type { InvokeErrorCode, InvokeMethod, InvokeMethods, InvokeResult } from '../preload/api.ts';

/** One implementation per method. */
export type InvokeHandlers = { [M in InvokeMethod]: (args: InvokeMethods[M]['args']) => InvokeMethods[M]['result'] | Promise<InvokeMethods[M]['result']> };

/** What the handlers need of the core (a `Switchboard` fits). */
export interface InvokeTarget {
  health(): HealthReport;
  readonly supervisor: {
    statuses(): ServerStatus[];
    start(name: string): void;
    stop(name: string): Promise<void>;
    restart(name: string): Promise<void>;
  };
}

const serverName = z.strictObject({ name: z.string().min(1) });

/** The arguments of every method, checked at runtime: the renderer is not trusted to send what its types say. */
const argsSchemas: { [M in InvokeMethod]: z.ZodType<InvokeMethods[M]['args']> } = {
  health: z.undefined(),
  'servers.list': z.undefined(),
  'servers.start': serverName,
  'servers.stop': serverName,
  'servers.restart': serverName,
};

export function coreHandlers(core: InvokeTarget): InvokeHandlers {
  return {
    health: () => core.health(),
    'servers.list': () => core.supervisor.statuses(),
    'servers.start': ({ name }) => (core.supervisor.start(name), null),
    'servers.stop': async ({ name }) => (await core.supervisor.stop(name), null),
    'servers.restart': async ({ name }) => (await core.supervisor.restart(name), null),
  };
}

/**
 * The listener for `ipcMain.handle(INVOKE_CHANNEL, …)`: refuses senders that are not our page, checks the
 * method and its arguments, and answers with an envelope; it never rejects.
 */
export function createInvokeListener<E>(isTrustedSender: (event: E) => boolean, handlers: InvokeHandlers) {
  return async (event: E, method: unknown, args: unknown): Promise<InvokeResult<InvokeMethod>> => {
    if (!isTrustedSender(event)) return failure('forbidden', 'calls are accepted only from the Switchboard window');
    if (typeof method !== 'string' || !Object.hasOwn(argsSchemas, method)) return failure('unknown-method', `no method named ${JSON.stringify(method)}`);
    const name = method as InvokeMethod;
    const parsed = argsSchemas[name].safeParse(args);
    if (!parsed.success) return failure('invalid-args', `${name}: ${z.prettifyError(parsed.error)}`);
    try {
      const handler = handlers[name] as (value: unknown) => unknown;
      return { ok: true, value: (await handler(parsed.data)) as InvokeMethods[InvokeMethod]['result'] };
    } catch (error) {
      return failure('failed', error instanceof Error ? error.message : String(error));
    }
  };
}

function failure(code: InvokeErrorCode, message: string): InvokeResult<InvokeMethod> {
  return { ok: false, error: { code, message } };
}
