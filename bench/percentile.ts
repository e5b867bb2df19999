/** Percentiles for the benchmarks' tables (fan-out.ts, cluster.ts). */

/** Nearest-rank percentile of `values` (sorted in place); `p` from 0 to 1. */
export function percentile(values: number[], p: number): number {
  values.sort((a, b) => a - b);
  return values[Math.max(0, Math.ceil(p * values.length) - 1)]!;
}
