/**
 * Pure helpers for the benchmark summary: medians, percentiles, ratios and rounding. No I/O, so
 * they are unit-tested (`stats.unit.spec.ts`) and shared by the orchestrator and the child benches.
 */

/** Median of the finite numbers given (mean of the middle two for an even count); null when there are none. */
export function median(values: readonly number[]): number | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) by the nearest-rank method on sorted data: the smallest value
 * such that at least p % of the samples are ≤ it. p = 0 gives the minimum. Null for no samples.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

/** Like `percentile`, for data already sorted ascending (no copy: for large sample arrays). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(rank, n) - 1]!;
}

/** a / b, or null when either is missing or b is not positive. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** Rounds to `digits` significant decimals after the point (null stays null). */
export function round(value: number | null | undefined, digits = 0): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A rate for the summary: whole numbers from 100 up, two significant decimals below (5.3 ticks/s stays 5.3). */
export function roundRate(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.abs(value) >= 100 ? Math.round(value) : round(value, Math.abs(value) >= 10 ? 1 : 2);
}

/** Share of `part` in `total` (0 when total is 0). */
export function share(part: number, total: number): number {
  return total > 0 ? part / total : 0;
}

/** Whether a measured figure meets its goal; null when it was not measured. */
export function meets(value: number | null | undefined, goal: { min?: number; max?: number }): boolean | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if (goal.min !== undefined && value < goal.min) return false;
  if (goal.max !== undefined && value > goal.max) return false;
  return true;
}


/** Integer in [min, max] from a uniform [0, 1) source. */
export function intBetween(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
