import { findInstrument, fixedToNumber, type Instrument } from '../../../../libs/domain/src/index.js';
import { CANDLE_INTERVALS, isCandleInterval, type Candle, type CandleInterval } from '../../../../libs/market-data/src/index.js';
import type { CandleQuery } from '../../../../libs/market-data/src/index.js';

export const MAX_CANDLES = 1_000;

export class CandleQueryError extends Error {
  constructor(
    message: string,
    /** The query or path parameter at fault. */
    readonly parameter?: string,
    readonly value?: unknown,
  ) {
    super(message);
    this.name = 'CandleQueryError';
  }
}

/** An ISO-8601 time with a zone (`2026-03-02T10:00:00Z`, `…+01:00`) or epoch milliseconds. */
export function parseInstant(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new CandleQueryError(`${name} must be given once`, name, value);
  if (/^\d{1,15}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value)) {
    throw new CandleQueryError(`${name} must be an ISO-8601 time like 2026-03-03T10:30:00.000Z`, name, value);
  }
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  // Date.parse rolls 2026-02-30 over into March: check the calendar date itself.
  const validDate = month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
  const ms = Date.parse(value);
  if (!validDate || !Number.isFinite(ms)) throw new CandleQueryError(`${name} is not a valid time`, name, value);
  return ms;
}

export function parseLimit(value: unknown, max = MAX_CANDLES): number {
  if (value === undefined || value === '') return max;
  if (typeof value !== 'string' || !/^\d{1,7}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new CandleQueryError(`limit must be a whole number from 1 to ${max}`, 'limit', value);
  }
  return Number(value);
}

export interface ApiCandleRequest {
  instrument: Instrument;
  query: CandleQuery & { interval: CandleInterval };
}

/**
 * `GET /api/v1/candles?symbol=&interval=&from=&to=&limit=`: symbol required; interval one of
 * 1m, 5m, 15m, 1h, 1d (default 1m); bars whose start lies in [from, to]; `to` defaults to now;
 * with `from` the first `limit` bars from it, without it the latest `limit` bars up to `to`.
 */
export function parseApiCandleQuery(params: Record<string, unknown>, now: number): ApiCandleRequest {
  const { symbol, interval = '1m' } = params;
  if (symbol === undefined || symbol === '') throw new CandleQueryError('symbol is required');
  const instrument = typeof symbol === 'string' ? findInstrument(symbol.toUpperCase()) : undefined;
  if (!instrument) throw new CandleQueryError(`unknown symbol ${JSON.stringify(symbol)}`);
  if (!isCandleInterval(interval)) throw new CandleQueryError(`interval must be one of ${CANDLE_INTERVALS.join(', ')}`);
  const from = parseInstant(params.from, 'from');
  const to = parseInstant(params.to, 'to') ?? now;
  if (from !== undefined && from > to) throw new CandleQueryError('from must not be after to');
  const limit = parseLimit(params.limit);
  return {
    instrument,
    query: { symbol: instrument.symbol, interval, from: from ?? 0, to, limit, keep: from === undefined ? 'newest' : 'oldest' },
  };
}

/** One bar as `/api/v1` shows it: prices as JSON numbers with the instrument's digits. */
export function renderApiCandle(candle: Candle, instrument: Instrument) {
  const price = (value: bigint) => fixedToNumber(value, instrument.digits);
  return {
    time: new Date(candle.start).toISOString(),
    open: price(candle.open),
    high: price(candle.high),
    low: price(candle.low),
    close: price(candle.close),
    ticks: candle.ticks,
  };
}
