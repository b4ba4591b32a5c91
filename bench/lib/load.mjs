// Load generators. Closed loop: `concurrency` workers, each sending its next request as soon as the
// previous one is answered, so "N in flight" means exactly N outstanding requests.
import { latencySummary } from './stats.mjs';

let stopped = false;

/** Ends every running load loop after its requests in flight (Ctrl+C: stop measuring, then clean up). */
export function stopLoad() {
  stopped = true;
}

async function loop(fn, concurrency, keepGoing, record) {
  const worker = async () => {
    while (!stopped && keepGoing()) {
      const started = performance.now();
      try {
        await fn();
        record(performance.now() - started, undefined);
      } catch (error) {
        record(performance.now() - started, error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Ends the workload (its finally blocks stop its processes) instead of recording a cut-short figure.
  if (stopped) throw new Error('interrupted');
}

function collector() {
  const latencies = [];
  let errors = 0;
  let firstError;
  return {
    record(ms, error) {
      if (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      } else latencies.push(ms);
    },
    result(elapsedMs) {
      const calls = latencies.length + errors;
      return { calls, errors, firstError, elapsedMs, throughput: (latencies.length / elapsedMs) * 1000, ...latencySummary(latencies) };
    },
  };
}

/** Runs `fn` for `warmupMs` (discarded: JIT, connection pools), then measures for `durationMs`. */
export async function forDuration(fn, { concurrency, durationMs, warmupMs = 0 }) {
  if (warmupMs > 0) {
    const warmupEnd = performance.now() + warmupMs;
    await loop(fn, concurrency, () => performance.now() < warmupEnd, () => undefined);
  }
  const stats = collector();
  const started = performance.now();
  const end = started + durationMs;
  await loop(fn, concurrency, () => performance.now() < end, stats.record);
  return stats.result(performance.now() - started);
}

/** Sends exactly `total` requests, `concurrency` at a time; `onProgress(done)` now and then. */
export async function forCount(fn, { concurrency, total, onProgress }) {
  const stats = collector();
  let issued = 0;
  let done = 0;
  const started = performance.now();
  await loop(
    fn,
    concurrency,
    () => issued++ < total,
    (ms, error) => {
      stats.record(ms, error);
      if (++done % 10_000 === 0) onProgress?.(done);
    },
  );
  return stats.result(performance.now() - started);
}
