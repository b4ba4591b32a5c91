import type { Disposable } from './lifecycle.ts';

/**
 * The last resort: an error nothing caught (a bug of ours, a library's timer) is logged, with its stack, and the
 * process keeps serving, instead of every client losing every server at once. Every such error is a bug to fix;
 * the log says so.
 */
export function installLastResort(log: (message: string) => void): Disposable {
  const report = (kind: string) => (error: unknown) => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    try {
      log(`${kind} (a bug in Switchboard; it keeps running, please report it): ${detail}`);
    } catch {
      process.stderr.write(`switchboard: ${kind}: ${detail}\n`);
    }
  };
  const onException = report('uncaught error');
  const onRejection = report('unhandled promise rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    dispose: () => {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
