import type { ProgressUpdate } from '../pipeline/context.ts';

/**
 * Progress of a call, relayed to its client in order and complete: every update is sent after the one before it,
 * and the result waits for the last one (a server's final progress, sent just before its result, used to arrive
 * after the result had closed the request's stream, and was lost).
 */
export class ProgressRelay {
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly token: string | number,
    private readonly notify: (notification: { method: 'notifications/progress'; params: Record<string, unknown> }) => Promise<void>,
  ) {}

  /** The relay for a request's `_meta.progressToken`, or undefined when the client asked for no progress. */
  static of(token: unknown, notify: ProgressRelay['notify']): ProgressRelay | undefined {
    return typeof token === 'string' || typeof token === 'number' ? new ProgressRelay(token, notify) : undefined;
  }

  readonly update = (update: ProgressUpdate): void => {
    const params = { ...update, progressToken: this.token };
    this.last = this.last.then(() => this.notify({ method: 'notifications/progress', params }).catch(() => undefined));
  };

  /** Resolves once every update so far has been handed to the transport. */
  flush(): Promise<void> {
    return this.last;
  }
}
