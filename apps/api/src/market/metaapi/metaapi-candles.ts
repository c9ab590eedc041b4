import { findInstrument, fixedToNumber, SCALE_DIGITS, type Instrument } from '../../../../../libs/domain/src/index.js';
import {
  findTimeframe,
  INTERVAL_MS,
  isStoredInterval,
  METATRADER_TIMEFRAMES,
  rollUp,
  type Candle,
  type CandleReader,
  type Timeframe,
} from '../../../../../libs/market-data/src/index.js';
import { CandleQueryError, MAX_CANDLES, parseInstant, parseLimit } from '../candle-query.js';

export class UnknownSymbolError extends Error {}

export interface MetatraderCandle {
  symbol: string;
  timeframe: string;
  time: string;
  brokerTime: string;
  open: number;
  high: number;
  low: number;
  close: number;
  tickVolume: number;
  spread: number;
  volume: number;
}

/** MetaApi's broker-time format, `YYYY-MM-DD HH:mm:ss.SSS`; our broker time is UTC. */
export function brokerTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** A bar as MetaApi's MetatraderCandle: tick volume = ticks, spread = the narrowest spread in points, no traded volume. */
export function renderMetatraderCandle(candle: Candle, instrument: Instrument, timeframe: string): MetatraderCandle {
  const price = (value: bigint) => fixedToNumber(value, instrument.digits);
  const point = 10n ** BigInt(SCALE_DIGITS - instrument.digits);
  return {
    symbol: instrument.symbol,
    timeframe,
    time: new Date(candle.start).toISOString(),
    brokerTime: brokerTime(candle.start),
    open: price(candle.open),
    high: price(candle.high),
    low: price(candle.low),
    close: price(candle.close),
    tickVolume: candle.ticks,
    spread: Number(candle.minSpread / point),
    volume: 0,
  };
}

/** How many stored bars one timeframe bar spans at most (a month is at most 31 days). */
function span(timeframe: Timeframe): number {
  if (timeframe.name === '1mn') return 31;
  return Math.max(1, Math.round((timeframe.nextBar(0) - timeframe.barStart(0)) / INTERVAL_MS[timeframe.base]));
}

/** Stored bars read at most for one request (a 1000-bar 1mn request would otherwise read 31 000). */
const MAX_BASE_BARS = 50_000;

/**
 * MetaApi's historical candles: the `limit` (≤ 1000) latest bars that start at or before
 * `startTime` (default now), loaded backwards from it and returned oldest first, for any MetaTrader
 * timeframe: the stored intervals directly, the others rolled up from them.
 */
export async function historicalCandles(
  reader: CandleReader,
  params: { symbol: string; timeframe: string; startTime?: unknown; limit?: unknown },
  now: number,
): Promise<MetatraderCandle[]> {
  const timeframe = findTimeframe(params.timeframe);
  if (!timeframe) throw new CandleQueryError(`timeframe must be one of ${METATRADER_TIMEFRAMES.join(', ')}`, 'timeframe', params.timeframe);
  const startTime = parseInstant(params.startTime, 'startTime') ?? now;
  const limit = parseLimit(params.limit, MAX_CANDLES);
  const instrument = findInstrument(params.symbol);
  if (!instrument) throw new UnknownSymbolError(`Symbol ${params.symbol} is not defined for this broker`);

  const perBar = span(timeframe);
  const baseLimit = Math.min(MAX_BASE_BARS, limit * perBar);
  const base = await reader.candles({ symbol: instrument.symbol, interval: timeframe.base, from: 0, to: startTime, limit: baseLimit, keep: 'newest' });
  let bars = isStoredInterval(timeframe) ? base : rollUp(base, timeframe);
  // A read cut by its limit may have started inside a bar: that first bar would be incomplete.
  if (!isStoredInterval(timeframe) && base.length === baseLimit && bars.length > 1) bars = bars.slice(1);
  return bars.slice(-limit).map((c) => renderMetatraderCandle(c, instrument, timeframe.name));
}
