import { DURATION_BUCKETS } from './metrics.ts';

/** One slot of the ring: this long. */
export const SLOT_MS = 10_000;
/** Slots kept: one hour. */
export const SLOTS = 360;

/** The key of every call together (no server's name holds a NUL). */
export const ALL = '\0';

/** What one server or tool did in one slot. */
interface Cell {
  calls: number;
  errors: number;
  /** Calls by duration bucket (the metrics' buckets, in seconds; the last is everything above). */
  readonly buckets: Uint32Array;
}

interface Slot {
  /** The slot's start (ms since the epoch, a multiple of SLOT_MS). */
  start: number;
  readonly servers: Map<string, Cell>;
  readonly tools: Map<string, Cell>;
  /** Servers ready when the slot was sampled. */
  readonly ready: Map<string, boolean>;
}

/** The numbers of one server or tool over a window. */
export interface WindowStats {
  calls: number;
  errors: number;
  callsPerSecond: number;
  errorRate: number;
  /** Milliseconds (from the duration buckets: the upper bound of the bucket the quantile falls in). */
  p50: number | null;
  p95: number | null;
  /** Calls per slot, oldest first: the sparkline. */
  series: number[];
}

const newCell = (): Cell => ({ calls: 0, errors: 0, buckets: new Uint32Array(DURATION_BUCKETS.length + 1) });

/**
 * The window's numbers over time, kept in memory: every request counted into 10-second slots of the last hour,
 * per server and per tool (calls, errors, durations by the metrics' buckets), and each server's readiness sampled
 * once a slot, for availability. Sparse (a slot holds only what was called in it), bounded (360 slots; tools as
 * capped by the metrics), cheap to read for any window up to an hour. Prometheus keeps the long history.
 */
export class FleetStats {
  private readonly ring: Slot[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(server: string | null, tool: string | null, durationMs: number, failed: boolean): void {
    const slot = this.current();
    const bucket = bucketOf(durationMs / 1000);
    for (const [map, key] of [
      [slot.servers, ALL],
      [slot.servers, server],
      [slot.tools, tool === null || server === null ? null : `${server}\0${tool}`],
    ] as const) {
      if (key === null) continue;
      let cell = map.get(key);
      if (!cell) map.set(key, (cell = newCell()));
      cell.calls++;
      if (failed) cell.errors++;
      cell.buckets[bucket]!++;
    }
  }

  /** Notes which servers are ready now (called once a slot). */
  sampleReady(ready: ReadonlyMap<string, boolean>): void {
    const slot = this.current();
    for (const [server, up] of ready) slot.ready.set(server, up);
  }

  /** Per server and per tool (`server\0tool`), over the last `windowMs` (at most an hour). */
  window(windowMs: number): { servers: Map<string, WindowStats>; tools: Map<string, WindowStats>; availability: Map<string, number>; slots: number } {
    const count = Math.max(1, Math.min(SLOTS, Math.ceil(windowMs / SLOT_MS)));
    const newest = Math.floor(this.now() / SLOT_MS) * SLOT_MS;
    const starts = Array.from({ length: count }, (_, index) => newest - (count - 1 - index) * SLOT_MS);
    const bySlot = new Map(this.ring.map((slot) => [slot.start, slot]));
    const collect = (pick: (slot: Slot) => Map<string, Cell>) => {
      const keys = new Set<string>();
      for (const start of starts) for (const key of pick(bySlot.get(start) ?? EMPTY).keys()) keys.add(key);
      const stats = new Map<string, WindowStats>();
      const seconds = (count * SLOT_MS) / 1000;
      for (const key of keys) {
        const total = newCell();
        const series: number[] = [];
        for (const start of starts) {
          const cell = pick(bySlot.get(start) ?? EMPTY).get(key);
          series.push(cell?.calls ?? 0);
          if (!cell) continue;
          total.calls += cell.calls;
          total.errors += cell.errors;
          for (let index = 0; index < cell.buckets.length; index++) total.buckets[index]! += cell.buckets[index]!;
        }
        stats.set(key, {
          calls: total.calls,
          errors: total.errors,
          callsPerSecond: total.calls / seconds,
          errorRate: total.calls === 0 ? 0 : total.errors / total.calls,
          p50: quantile(total.buckets, 0.5),
          p95: quantile(total.buckets, 0.95),
          series,
        });
      }
      return stats;
    };
    const availability = new Map<string, number>();
    const samples = new Map<string, { up: number; all: number }>();
    for (const start of starts) {
      for (const [server, up] of bySlot.get(start)?.ready ?? []) {
        const sample = samples.get(server) ?? { up: 0, all: 0 };
        sample.all++;
        if (up) sample.up++;
        samples.set(server, sample);
      }
    }
    for (const [server, sample] of samples) availability.set(server, sample.up / sample.all);
    return { servers: collect((slot) => slot.servers), tools: collect((slot) => slot.tools), availability, slots: count };
  }

  private current(): Slot {
    const start = Math.floor(this.now() / SLOT_MS) * SLOT_MS;
    const last = this.ring.at(-1);
    if (last?.start === start) return last;
    const slot: Slot = { start, servers: new Map(), tools: new Map(), ready: new Map() };
    this.ring.push(slot);
    while (this.ring.length > 0 && this.ring[0]!.start <= start - SLOTS * SLOT_MS) this.ring.shift();
    return slot;
  }
}

const EMPTY: Slot = { start: 0, servers: new Map(), tools: new Map(), ready: new Map() };

function bucketOf(seconds: number): number {
  const index = DURATION_BUCKETS.findIndex((bound) => seconds <= bound);
  return index < 0 ? DURATION_BUCKETS.length : index;
}

/** The quantile's bucket bound, in ms (null with no calls; above the last bound, the last bound). */
function quantile(buckets: Uint32Array, q: number): number | null {
  let total = 0;
  for (const count of buckets) total += count;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let index = 0; index < buckets.length; index++) {
    seen += buckets[index]!;
    if (seen >= rank) return (DURATION_BUCKETS[Math.min(index, DURATION_BUCKETS.length - 1)]!) * 1000;
  }
  return DURATION_BUCKETS.at(-1)! * 1000;
}
