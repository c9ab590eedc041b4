import type { Candle } from './candle.js';

export interface CandleQuery {
  symbol: string;
  interval: string;
  /** Bars whose start lies in [from, to] (epoch ms, both inclusive). */
  from: number;
  to: number;
  /** At most this many bars. */
  limit: number;
  /**
   * Which bars the limit keeps when more match: the oldest (`oldest`, paging forward from `from`)
   * or the newest (`newest`, paging backward from `to`). Either way they come back oldest first.
   */
  keep: 'oldest' | 'newest';
}

/** Reads candles (the API side). */
export interface CandleReader {
  candles(query: CandleQuery): Promise<Candle[]>;
}

/**
 * The candle read model. `merge` folds partial candles (see `aggregateTicks`) into the stored
 * ones; it is atomic per call, and merging is order-independent, so several writers may share one
 * store.
 */
export interface CandleStore extends CandleReader {
  merge(partials: readonly Candle[]): Promise<void>;
  close(): Promise<void>;
}
