import { describe, expect, it } from 'vitest';
import { formatTraceparent, newTraceId, parseTraceparent } from '../../../../electron/core/gateway/tracing.ts';

describe('trace ids the gateway makes', () => {
  it('are valid W3C trace ids that a client and an upstream can carry in traceparent', () => {
    const id = newTraceId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(parseTraceparent(formatTraceparent(id, '00f067aa0ba902b7'))).toEqual({ traceId: id, spanId: '00f067aa0ba902b7' });
  });

  it('sort by the time they were made (so the store appends to its index) and never repeat', () => {
    const ids = [newTraceId(1_700_000_000_000), newTraceId(1_700_000_000_001), newTraceId(1_800_000_000_000)];
    expect([...ids].sort()).toEqual(ids);
    const many = new Set(Array.from({ length: 10_000 }, () => newTraceId(1_700_000_000_000)));
    expect(many.size).toBe(10_000);
  });
});
