import { SdkError, SdkErrorCode } from '@modelcontextprotocol/server';
import { BrokenCircuitError, bulkhead, BulkheadRejectedError, CircuitState, circuitBreaker, ConsecutiveBreaker, handleWhen, type BulkheadPolicy, type CircuitBreakerPolicy } from 'cockatiel';
import { ServerUnavailableError, type BreakerState, type GuardFactory, type ReplicaGuard } from '../gateway/pipeline/upstream-pool.ts';
import type { ManagedServer } from '../supervisor/managed-server.ts';

/** What a server gets unless its config says otherwise. */
export const GUARD_DEFAULTS = { maxConcurrent: 64, maxQueued: 256, queueTimeoutMs: 30_000, failures: 5, openMs: 20_000 } as const;

/** Failures that say the server is in trouble (not a tool's own error, not a refusal of the request). */
function isServerTrouble(error: Error): boolean {
  return error instanceof SdkError && (error.code === SdkErrorCode.RequestTimeout || error.code === SdkErrorCode.ConnectionClosed);
}

class QueueTimeoutError extends Error {}

/**
 * The guard of one replica, on cockatiel's policies: a circuit breaker (open after `failures` timeouts or lost
 * connections in a row, half-open after `openMs`, one probe call closes it again) inside a bulkhead (at most
 * `maxConcurrent` calls at once, `maxQueued` waiting at most `queueTimeoutMs`). Its transitions are logged.
 */
export class CockatielGuard implements ReplicaGuard {
  private readonly breakerPolicy: CircuitBreakerPolicy | undefined;
  private readonly bulkheadPolicy: BulkheadPolicy;
  private openedAt = 0;
  private readonly settings: { maxConcurrent: number; maxQueued: number; queueTimeoutMs: number; failures: number; openMs: number };
  private readonly subscriptions: { dispose(): void }[] = [];

  constructor(
    private readonly server: string,
    private readonly replica: ManagedServer,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
    changed: () => void = () => undefined,
  ) {
    const config = replica.config;
    const breaker = config.breaker === false ? undefined : (config.breaker ?? {});
    this.settings = {
      maxConcurrent: config.limits?.maxConcurrent ?? GUARD_DEFAULTS.maxConcurrent,
      maxQueued: config.limits?.maxQueued ?? GUARD_DEFAULTS.maxQueued,
      queueTimeoutMs: config.limits?.queueTimeoutMs ?? GUARD_DEFAULTS.queueTimeoutMs,
      failures: breaker?.failures ?? GUARD_DEFAULTS.failures,
      openMs: breaker?.openMs ?? GUARD_DEFAULTS.openMs,
    };
    this.bulkheadPolicy = bulkhead(this.settings.maxConcurrent, this.settings.maxQueued);
    if (breaker) {
      this.breakerPolicy = circuitBreaker(handleWhen(isServerTrouble), { halfOpenAfter: this.settings.openMs, breaker: new ConsecutiveBreaker(this.settings.failures) });
      this.subscriptions.push(
        this.breakerPolicy.onBreak(() => {
          this.openedAt = Date.now();
          this.log('warn', `circuit open: ${this.settings.failures} timeouts or lost connections in a row; calls are refused for ${seconds(this.settings.openMs)}`);
        }),
        this.breakerPolicy.onHalfOpen(() => this.log('info', 'circuit half-open: the next call tries the server again')),
        this.breakerPolicy.onReset(() => this.log('info', 'circuit closed: the server answers again')),
        this.breakerPolicy.onStateChange(() => changed()),
      );
    }
  }

  get breaker(): BreakerState {
    const state = this.breakerPolicy?.state;
    if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
    return state === CircuitState.HalfOpen ? 'half-open' : 'closed';
  }

  get refusing(): boolean {
    // Open and not yet due for its probe: a call would be refused at once.
    return this.breaker === 'open' && Date.now() - this.openedAt < this.settings.openMs;
  }

  async run<T>(request: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const guarded = () => (this.breakerPolicy ? this.breakerPolicy.execute(() => request()) : request());
    const queued = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const onCallerAbort = () => queued.abort(signal.reason);
    signal.addEventListener('abort', onCallerAbort, { once: true });
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        queued.abort();
        reject(new QueueTimeoutError());
      }, this.settings.queueTimeoutMs);
    });
    try {
      return await Promise.race([
        this.bulkheadPolicy.execute(() => {
          clearTimeout(timer);
          return guarded();
        }, queued.signal),
        timedOut,
      ]);
    } catch (error) {
      // A call that timed out may mean a frozen server: its health check pings it now.
      if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) this.replica.suspect();
      throw this.explain(error);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onCallerAbort);
    }
  }

  /** The sentence for a refusal; anything else is the request's own error. */
  private explain(error: unknown): unknown {
    const { maxConcurrent, maxQueued, queueTimeoutMs, failures } = this.settings;
    if (error instanceof BrokenCircuitError) {
      const left = Math.max(1, Math.round((this.openedAt + this.settings.openMs - Date.now()) / 1000));
      return new ServerUnavailableError(this.server, 'failing', `Server "${this.server}" is failing: ${failures} timeouts or lost connections in a row; calls to it are refused for the next ${left} s, then one is tried again.`);
    }
    if (error instanceof BulkheadRejectedError) {
      return new ServerUnavailableError(this.server, 'busy', `Server "${this.server}" is busy: ${maxConcurrent} calls running and ${maxQueued} waiting (limits in its config); try again in a moment.`);
    }
    if (error instanceof QueueTimeoutError) {
      return new ServerUnavailableError(this.server, 'busy', `Server "${this.server}" is busy: the call waited ${seconds(queueTimeoutMs)} behind ${maxConcurrent} others and was not started; try again in a moment.`);
    }
    return error;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

/** The guards of every replica, logging to the server's lifecycle log. */
export function replicaGuards(log: (server: string, level: 'info' | 'warn', message: string) => void): GuardFactory {
  return (server, replica, changed) => new CockatielGuard(server, replica, (level, message) => log(replica.name, level, message), changed);
}

function seconds(ms: number): string {
  return `${ms < 10_000 ? +(ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
}
