import { jest } from '@jest/globals';
import { findInstrument, hasAtMostDigits, INSTRUMENTS, type Quote } from '../../../libs/domain/src/index.js';
import { SimulatedPriceFeed } from './simulated-price-feed.js';

describe('a running simulated feed', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('prices every instrument every 250 ms, at its digits, stamped simulated: its prices never go stale', () => {
    let now = Date.parse('2026-03-02T10:00:00.000Z');
    const ticks: Quote[] = [];
    const feed = new SimulatedPriceFeed({ seed: 7, clock: () => now });
    feed.start((tick) => {
      ticks.push(tick);
    });
    for (let i = 0; i < 8; i += 1) {
      now += 250;
      jest.advanceTimersByTime(250);
    }
    feed.stop();
    expect(ticks).toHaveLength(INSTRUMENTS.length * 9);
    for (const tick of ticks) {
      expect(tick.feed).toBe('simulated');
      expect(tick.ask).toBeGreaterThan(tick.bid);
      expect(hasAtMostDigits(tick.bid, findInstrument(tick.symbol)!.digits)).toBe(true);
    }
    // The newest price of every symbol is at most one interval old.
    const times = new Set(ticks.slice(-INSTRUMENTS.length).map((t) => t.time));
    expect([...times]).toEqual([now]);
    expect(feed.status()).toMatchObject({ feed: 'simulated', state: 'idle', ticks: INSTRUMENTS.length * 9, lastTickAt: now });
  });

  it('reports itself connected while it runs', () => {
    const feed = new SimulatedPriceFeed({ seed: 1 });
    feed.start(() => undefined);
    expect(feed.status().state).toBe('connected');
    feed.stop();
  });
});
