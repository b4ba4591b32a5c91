import type { RestartConfig } from '../config/schema.ts';

/** What to do after a server failed. */
export type RestartDecision = { readonly action: 'restart'; readonly delayMs: number; readonly attempt: number } | { readonly action: 'give-up'; readonly attempts: number };

/**
 * Exponential backoff with jitter, a cap, a stable window that forgives past failures, and a limit after
 * which the server is left in `crash-loop` (so a broken server costs no CPU) until someone restarts it.
 */
export class RestartPolicy {
  private failures = 0;
  private lastReadyAt: number | undefined;

  constructor(
    private readonly config: RestartConfig,
    private readonly random: () => number = Math.random,
  ) {}

  /** Consecutive failures counted against the limit. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** The server became ready at `now`. */
  recordReady(now: number): void {
    this.lastReadyAt = now;
  }

  /** The server failed at `now`: restart after a delay, or give up. */
  recordFailure(now: number): RestartDecision {
    if (this.lastReadyAt !== undefined && now - this.lastReadyAt >= this.config.stableAfterMs) {
      this.failures = 0; // It ran long enough to count as healthy: this failure starts a fresh count.
    }
    this.lastReadyAt = undefined;
    this.failures++;
    if (this.failures > this.config.maxRetries) return { action: 'give-up', attempts: this.failures };
    const exponential = this.config.initialDelayMs * 2 ** (this.failures - 1);
    const capped = Math.min(this.config.maxDelayMs, exponential);
    // Full jitter on half the delay: servers that failed together do not all come back in the same tick.
    const delayMs = Math.round(capped / 2 + (this.random() * capped) / 2);
    return { action: 'restart', delayMs, attempt: this.failures };
  }

  /** A manual restart or a config change clears the history. */
  reset(): void {
    this.failures = 0;
    this.lastReadyAt = undefined;
  }
}
