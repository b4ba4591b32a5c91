import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../../../electron/core/supervisor/restart-policy.ts';

const config = { maxRetries: 4, initialDelayMs: 1000, maxDelayMs: 5000, stableAfterMs: 60_000 };

describe('RestartPolicy', () => {
  it('doubles the delay after each failure, up to the cap', () => {
    const policy = new RestartPolicy(config, () => 1); // top of the jitter range: the full delay
    const delays = [1, 2, 3, 4].map(() => policy.recordFailure(0)).map((d) => (d.action === 'restart' ? d.delayMs : -1));
    expect(delays).toEqual([1000, 2000, 4000, 5000]);
  });

  it('jitters each delay between half and all of it', () => {
    expect(new RestartPolicy(config, () => 0).recordFailure(0)).toEqual({ action: 'restart', delayMs: 500, attempt: 1 });
    const spread = new Set(Array.from({ length: 50 }, () => (new RestartPolicy(config).recordFailure(0) as { delayMs: number }).delayMs));
    expect(spread.size).toBeGreaterThan(10);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...spread)).toBeLessThanOrEqual(1000);
  });

  it('gives up after maxRetries failures in a row', () => {
    const policy = new RestartPolicy(config, () => 0);
    for (let i = 0; i < 4; i++) expect(policy.recordFailure(i).action).toBe('restart');
    expect(policy.recordFailure(10)).toEqual({ action: 'give-up', attempts: 5 });
  });

  it('forgives past failures once the server stayed up for the stable period', () => {
    const policy = new RestartPolicy(config, () => 1);
    for (let i = 0; i < 4; i++) policy.recordFailure(0);
    policy.recordReady(1000);
    expect(policy.recordFailure(1000 + 60_000)).toEqual({ action: 'restart', delayMs: 1000, attempt: 1 });
  });

  it('does not forgive a server that was ready only briefly', () => {
    const policy = new RestartPolicy(config, () => 1);
    for (let i = 0; i < 3; i++) policy.recordFailure(0);
    policy.recordReady(1000);
    expect(policy.recordFailure(2000)).toMatchObject({ action: 'restart', attempt: 4 });
  });

  it('starts over after a reset (a manual restart)', () => {
    const policy = new RestartPolicy(config, () => 1);
    for (let i = 0; i < 5; i++) policy.recordFailure(0);
    policy.reset();
    expect(policy.recordFailure(0)).toMatchObject({ action: 'restart', attempt: 1 });
  });
});
