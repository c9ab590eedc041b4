import { ConfigError } from '../../api/src/config/app-config.js';
import { DEFAULT_DEDUP_WINDOW } from './command-memory.js';

/** The largest window accepted: about 250 MB of remembered commands, and a snapshot to match. */
const MAX_DEDUP_WINDOW = 10_000_000;

/**
 * `ENGINE_DEDUP_WINDOW`: how many of the latest commands the engine recognises when they are
 * delivered again (answered with their first outcome, never applied twice). Read here rather than
 * in the shared app config because only the engine processes (distributed and embedded) use it.
 */
export function dedupWindowFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.ENGINE_DEDUP_WINDOW;
  if (text === undefined || text.trim() === '') return DEFAULT_DEDUP_WINDOW;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_DEDUP_WINDOW) {
    throw new ConfigError(`ENGINE_DEDUP_WINDOW must be a whole number of commands within 1..${MAX_DEDUP_WINDOW}, got ${text}`);
  }
  return value;
}
