/**
 * The measuring machinery: a closed loop with a fixed number of operations in flight, per-operation timings, and the
 * summary statistics the report prints (nearest-rank percentiles, throughput over wall time).
 */
import { performance } from 'node:perf_hooks';

/** What one operation reports about itself, in ms from its own start. */
export interface OpTiming {
  /** The first answer: the start call returned, or the API answered 202. */
  ackMs: number;
  /** The end of the operation: the workflow completed, or the police task is in the projection. */
  doneMs: number;
}

/** One operation; `index` is unique across the whole run (warm-up included), for unique ids. */
export type Operation = (index: number) => Promise<OpTiming>;

export interface LoopResult {
  timings: OpTiming[];
  errors: string[];
  /** From the first operation's start to the last operation's end. */
  wallMs: number;
}

let nextIndex = 0;

/**
 * Runs `count` operations with at most `concurrency` in flight: each slot starts its next operation as soon as the
 * previous one has fully ended (closed loop), so an operation holds its slot until `doneMs`, not just `ackMs`.
 */
export async function runClosedLoop(count: number, concurrency: number, op: Operation): Promise<LoopResult> {
  const timings: OpTiming[] = [];
  const errors: string[] = [];
  let started = 0;
  const begin = performance.now();
  const slot = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      try {
        timings.push(await op(nextIndex++));
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, slot));
  return { timings, errors, wallMs: performance.now() - begin };
}

/** Milliseconds since `t0` (a performance.now() reading). */
export function since(t0: number): number {
  return performance.now() - t0;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array: the smallest value with at least p% of the values at or below it. */
function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: number[]): LatencySummary {
  if (values.length === 0) return { p50: NaN, p95: NaN, max: NaN, mean: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
  };
}
