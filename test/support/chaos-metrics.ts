/**
 * The size knob and the numbers of the crash-safety and hostile-input runs.
 *
 * `CHAOS_SCALE=full` (npm run test:chaos -- --full, or the variable) runs the large version of each
 * suite; anything else the small one that CI runs in `npm test`. Each suite records what it measured
 * with `recordChaosMetrics`; `scripts/chaos.mjs` merges the records of one run (`CHAOS_RESULTS_DIR`)
 * into the one JSON object it prints last.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ChaosScale = 'small' | 'full';

export const CHAOS_SCALE: ChaosScale = process.env.CHAOS_SCALE === 'full' ? 'full' : 'small';

/** The small or the full value, by CHAOS_SCALE. */
export function scaled<T>(small: T, full: T): T {
  return CHAOS_SCALE === 'full' ? full : small;
}

/** Merges `metrics` into `<CHAOS_RESULTS_DIR>/<suite>.json` (when the variable is set) and prints them. */
export function recordChaosMetrics(suite: string, metrics: Record<string, unknown>): void {
  console.log(`${suite} (${CHAOS_SCALE} scale): ${JSON.stringify(metrics)}`);
  const dir = process.env.CHAOS_RESULTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.json`);
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // first record of this suite
  }
  writeFileSync(file, JSON.stringify({ ...previous, ...metrics }, null, 2));
}
