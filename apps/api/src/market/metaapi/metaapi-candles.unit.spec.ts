import { parseFixed, type Quote } from '../../../../../libs/domain/src/index.js';
import { aggregateTicks, type CandleQuery, type CandleReader } from '../../../../../libs/market-data/src/index.js';
import { CandleQueryError } from '../candle-query.js';
import { brokerTime, historicalCandles, UnknownSymbolError } from './metaapi-candles.js';

const tick = (time: string, bid: string, ask: string, symbol = 'EURUSD'): Quote => ({ symbol, bid: parseFixed(bid), ask: parseFixed(ask), time: Date.parse(time) });

/** A reader over bars kept in memory, recording the queries it answered. */
function readerOf(ticks: Quote[]): CandleReader & { queries: CandleQuery[] } {
  const bars = aggregateTicks(ticks);
  const queries: CandleQuery[] = [];
  return {
    queries,
    async candles(q) {
      queries.push(q);
      const match = bars.filter((b) => b.symbol === q.symbol && b.interval === q.interval && b.start >= q.from && b.start <= q.to).sort((a, b) => a.start - b.start);
      return q.keep === 'oldest' ? match.slice(0, q.limit) : match.slice(-q.limit);
    },
  };
}

const ticks = [
  tick('2026-03-02T10:00:05.000Z', '1.08512', '1.0852'),
  tick('2026-03-02T10:00:40.000Z', '1.0853', '1.08533'),
  tick('2026-03-02T10:01:10.000Z', '1.08505', '1.08513'),
  tick('2026-03-02T10:03:15.000Z', '1.0853', '1.08538'),
];

describe('MetaApi historical candles', () => {
  it('at a stored timeframe are the latest bars up to startTime, oldest first, in MetatraderCandle shape', async () => {
    const candles = await historicalCandles(readerOf(ticks), { symbol: 'EURUSD', timeframe: '1m', startTime: '2026-03-02T10:02:00.000Z' }, Date.now());
    expect(candles).toEqual([
      { symbol: 'EURUSD', timeframe: '1m', time: '2026-03-02T10:00:00.000Z', brokerTime: '2026-03-02 10:00:00.000', open: 1.08512, high: 1.0853, low: 1.08512, close: 1.0853, tickVolume: 2, spread: 3, volume: 0 },
      { symbol: 'EURUSD', timeframe: '1m', time: '2026-03-02T10:01:00.000Z', brokerTime: '2026-03-02 10:01:00.000', open: 1.08505, high: 1.08505, low: 1.08505, close: 1.08505, tickVolume: 1, spread: 8, volume: 0 },
    ]);
  });

  it('at a rolled-up timeframe merge the stored bars they span', async () => {
    const candles = await historicalCandles(readerOf(ticks), { symbol: 'EURUSD', timeframe: '2m', limit: '1' }, Date.parse('2026-03-02T11:00:00Z'));
    expect(candles).toEqual([
      { symbol: 'EURUSD', timeframe: '2m', time: '2026-03-02T10:02:00.000Z', brokerTime: '2026-03-02 10:02:00.000', open: 1.0853, high: 1.0853, low: 1.0853, close: 1.0853, tickVolume: 1, spread: 8, volume: 0 },
    ]);
  });

  it('read a month from daily bars, at most 31 per monthly bar', async () => {
    const reader = readerOf(ticks);
    const [month] = await historicalCandles(reader, { symbol: 'EURUSD', timeframe: '1mn', limit: '2' }, Date.parse('2026-03-31T00:00:00Z'));
    expect(month).toMatchObject({ time: '2026-03-01T00:00:00.000Z', open: 1.08512, high: 1.0853, low: 1.08505, close: 1.0853, tickVolume: 4 });
    expect(reader.queries).toEqual([{ symbol: 'EURUSD', interval: '1d', from: 0, to: Date.parse('2026-03-31T00:00:00Z'), limit: 62, keep: 'newest' }]);
  });

  it.each([
    [{ timeframe: '7m' }, CandleQueryError, /timeframe must be one of 1m, 2m/],
    [{ timeframe: '1m', limit: '5000' }, CandleQueryError, /limit must be a whole number from 1 to 1000/],
    [{ timeframe: '1m', startTime: 'now' }, CandleQueryError, /startTime must be an ISO-8601 time/],
    [{ timeframe: '1m', symbol: 'DOGEUSD' }, UnknownSymbolError, /Symbol DOGEUSD is not defined for this broker/],
  ])('refuse %j', async (params, type, message) => {
    const call = historicalCandles(readerOf(ticks), { symbol: 'EURUSD', ...params }, Date.now());
    await expect(call).rejects.toThrow(type as new () => Error);
    await expect(call).rejects.toThrow(message);
  });
});

describe('broker time', () => {
  it('is UTC in YYYY-MM-DD HH:mm:ss.SSS', () => {
    expect(brokerTime(Date.parse('2020-04-07T03:45:00.000Z'))).toBe('2020-04-07 03:45:00.000');
  });
});


