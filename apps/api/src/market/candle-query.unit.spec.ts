import { parseFixed } from '../../../../libs/domain/src/index.js';
import { CandleQueryError, parseApiCandleQuery, renderApiCandle } from './candle-query.js';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');

describe('a GET /api/v1/candles query', () => {
  it('with symbol, interval, from and to asks for the bars in [from, to], oldest kept', () => {
    expect(parseApiCandleQuery({ symbol: 'BTCUSD', interval: '5m', from: '2026-03-02T10:00:00Z', to: '2026-03-02T11:00:00.000Z' }, NOW).query).toEqual({
      symbol: 'BTCUSD',
      interval: '5m',
      from: Date.parse('2026-03-02T10:00:00Z'),
      to: Date.parse('2026-03-02T11:00:00Z'),
      limit: 1000,
      keep: 'oldest',
    });
  });

  it('with only a symbol asks for the latest 1m bars up to now', () => {
    expect(parseApiCandleQuery({ symbol: 'ethusd' }, NOW).query).toEqual({ symbol: 'ETHUSD', interval: '1m', from: 0, to: NOW, limit: 1000, keep: 'newest' });
  });

  it.each([
    [{}, 'symbol is required'],
    [{ symbol: 'DOGEUSD' }, 'unknown symbol "DOGEUSD"'],
    [{ symbol: ['BTCUSD', 'ETHUSD'] }, 'unknown symbol ["BTCUSD","ETHUSD"]'],
    [{ symbol: 'BTCUSD', interval: '2m' }, 'interval must be one of 1m, 5m, 15m, 1h, 1d'],
    [{ symbol: 'BTCUSD', from: 'yesterday' }, 'from must be an ISO-8601 time like 2026-03-03T10:30:00.000Z'],
    [{ symbol: 'BTCUSD', to: '2026-03-02T10:00:00' }, 'to must be an ISO-8601 time like 2026-03-03T10:30:00.000Z'],
    [{ symbol: 'BTCUSD', to: '2026-02-30T10:00:00Z' }, 'to is not a valid time'],
    [{ symbol: 'BTCUSD', from: '2026-03-02T11:00:00Z', to: '2026-03-02T10:00:00Z' }, 'from must not be after to'],
    [{ symbol: 'BTCUSD', limit: '0' }, 'limit must be a whole number from 1 to 1000'],
    [{ symbol: 'BTCUSD', limit: '1001' }, 'limit must be a whole number from 1 to 1000'],
  ])('%j is refused: %s', (params, message) => {
    expect(() => parseApiCandleQuery(params, NOW)).toThrow(new CandleQueryError(message));
  });
});

describe('a bar shown by /api/v1', () => {
  it('has its start as an ISO time and prices as numbers with the instrument digits', () => {
    const bar = { symbol: 'EURUSD', interval: '1m', start: Date.parse('2026-03-02T10:00:00Z'), open: parseFixed('1.08512'), high: parseFixed('1.0853'), low: parseFixed('1.085'), close: parseFixed('1.08505'), ticks: 3, openTime: 0, closeTime: 0, minSpread: 0n };
    expect(renderApiCandle(bar, { digits: 5 } as never)).toEqual({ time: '2026-03-02T10:00:00.000Z', open: 1.08512, high: 1.0853, low: 1.085, close: 1.08505, ticks: 3 });
  });
});
