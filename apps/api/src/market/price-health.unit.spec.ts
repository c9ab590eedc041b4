import { parseFixed, PriceBoard } from '../../../../libs/domain/src/index.js';
import { priceHealth } from './price-health.js';

const NOW = Date.parse('2026-03-02T10:00:40.000Z');

function board(...quotes: [string, number, string?][]) {
  const prices = new PriceBoard();
  for (const [symbol, time, feed] of quotes) prices.update({ symbol, bid: parseFixed('1'), ask: parseFixed('2'), time, ...(feed ? { feed } : {}) });
  return prices;
}

describe('the prices health of a connected feed', () => {
  it('shows each symbol’s age and whether it is stale', () => {
    const health = priceHealth({
      prices: board(['ETHUSD', NOW - 250, 'binance'], ['BTCUSD', NOW - 31_000, 'binance']),
      priceFeed: 'binance',
      feed: { feed: 'binance', state: 'connected', ticks: 12, lastTickAt: NOW - 250 },
      staleMs: 30_000,
      now: NOW,
    });
    expect(health).toEqual({
      status: 'up',
      feed: 'binance',
      state: 'connected',
      ticks: 12,
      lastTickAt: '2026-03-02T10:00:39.750Z',
      staleAfterMs: 30_000,
      symbols: 2,
      stale: 1,
      quotes: {
        BTCUSD: { ageMs: 31_000, time: '2026-03-02T10:00:09.000Z', stale: true, feed: 'binance' },
        ETHUSD: { ageMs: 250, time: '2026-03-02T10:00:39.750Z', stale: false, feed: 'binance' },
      },
    });
  });
});

describe('the prices health of a feed that lost its source', () => {
  it('is degraded and says why', () => {
    const health = priceHealth({ prices: board(), priceFeed: 'binance', feed: { feed: 'binance', state: 'reconnecting', ticks: 0, lastTickAt: null, detail: 'connect ECONNREFUSED' }, staleMs: 30_000, now: NOW });
    expect(health).toMatchObject({ status: 'degraded', state: 'reconnecting', detail: 'connect ECONNREFUSED' });
  });
});

describe('the prices health without a report from the feed process', () => {
  it('is degraded, idle, and names the missing process', () => {
    const health = priceHealth({ prices: board(), priceFeed: 'redis', feed: null, feedProblem: 'no status from the price feed', staleMs: 30_000, now: NOW });
    expect(health).toMatchObject({ status: 'degraded', state: 'idle', detail: 'no status from the price feed' });
  });
});

describe('the prices health of the manual feed', () => {
  it('is up even with stale prices', () => {
    const health = priceHealth({ prices: board(['BTCUSD', NOW - 60_000]), priceFeed: 'manual', feed: { feed: 'manual', state: 'idle', ticks: 0, lastTickAt: null }, staleMs: 30_000, now: NOW });
    expect(health).toMatchObject({ status: 'up', state: 'idle', stale: 1 });
  });
});
