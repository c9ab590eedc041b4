import { max, min, type Fixed, type Quote } from '../../../domain/src/index.js';

/**
 * Candles (OHLC bars) built from BID prices. A candle covers `[start, start + interval)` in UTC,
 * epoch-aligned (every interval divides a day, so bars also align on midnight UTC).
 *
 * Prices stay exact `Fixed` values throughout; a candle remembers the times of its first and last
 * tick so two partial candles of the same bar merge to the same result in any order (a projection
 * that receives ticks from several consumers, or re-applies a batch, still gets open and close
 * right).
 */
export const CANDLE_INTERVALS = ['1m', '5m', '15m', '1h', '1d'] as const;
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

const MINUTE = 60_000;
export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '1d': 24 * 60 * MINUTE,
};

export function isCandleInterval(value: unknown): value is CandleInterval {
  return typeof value === 'string' && (CANDLE_INTERVALS as readonly string[]).includes(value);
}

/** The start of the bar of length `intervalMs` that contains `time` (floor, also for times before 1970). */
export function bucketStart(time: number, intervalMs: number): number {
  return time - (((time % intervalMs) + intervalMs) % intervalMs);
}

export interface Candle {
  symbol: string;
  interval: string;
  /** Epoch ms of the bar's start. */
  start: number;
  open: Fixed;
  high: Fixed;
  low: Fixed;
  close: Fixed;
  /** How many ticks fell into the bar. */
  ticks: number;
  /** Epoch ms of the first and the last tick (they decide open and close when partial candles merge). */
  openTime: number;
  closeTime: number;
  /** The narrowest spread (ask − bid) seen in the bar. */
  minSpread: Fixed;
}

/** The one-tick candle of `tick` in the bar of `interval` that contains it. */
export function candleOfTick(tick: Quote, interval: string, intervalMs: number): Candle {
  return {
    symbol: tick.symbol,
    interval,
    start: bucketStart(tick.time, intervalMs),
    open: tick.bid,
    high: tick.bid,
    low: tick.bid,
    close: tick.bid,
    ticks: 1,
    openTime: tick.time,
    closeTime: tick.time,
    minSpread: tick.ask - tick.bid,
  };
}

/**
 * Two partial candles of the same bar as one. `later` is the one that arrived later: on equal tick
 * times the earlier arrival keeps the open and the later one gives the close, so ticks applied in
 * order give exactly first-bid / last-bid.
 */
export function mergeCandles(earlier: Candle, later: Candle): Candle {
  return {
    ...earlier,
    open: later.openTime < earlier.openTime ? later.open : earlier.open,
    openTime: Math.min(earlier.openTime, later.openTime),
    close: later.closeTime >= earlier.closeTime ? later.close : earlier.close,
    closeTime: Math.max(earlier.closeTime, later.closeTime),
    high: max(earlier.high, later.high),
    low: min(earlier.low, later.low),
    ticks: earlier.ticks + later.ticks,
    minSpread: min(earlier.minSpread, later.minSpread),
  };
}

export const candleKey = (c: Pick<Candle, 'symbol' | 'interval' | 'start'>) => `${c.symbol}\u0000${c.interval}\u0000${c.start}`;

/**
 * Folds ticks (in the order the engine applied them) into one partial candle per symbol, interval
 * and bar: what a store merges into what it already holds.
 */
export function aggregateTicks(ticks: Iterable<Quote>, intervals: readonly CandleInterval[] = CANDLE_INTERVALS): Candle[] {
  const byKey = new Map<string, Candle>();
  for (const tick of ticks) {
    for (const interval of intervals) {
      const candle = candleOfTick(tick, interval, INTERVAL_MS[interval]);
      const key = candleKey(candle);
      const known = byKey.get(key);
      byKey.set(key, known ? mergeCandles(known, candle) : candle);
    }
  }
  return [...byKey.values()];
}
