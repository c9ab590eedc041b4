/**
 * The behaviour every PriceFeed adapter must have, as one suite run against each of them
 * (`describePriceFeedContract(name, open)`), on its real source (a local WebSocket server, a real
 * Redis, a file).
 */
import { findInstrument, hasAtMostDigits, type Quote } from '../../../libs/domain/src/index.js';
import { waitUntil as until } from '../../../libs/platform/src/testing/wait-until.js';
import type { PriceFeed } from './price-feed.port.js';

export interface PriceFeedFixture {
  feed: PriceFeed;
  /** Makes the source send at least one valid tick (after the feed started). */
  produce(): Promise<void>;
  cleanup(): Promise<void>;
}

export function describePriceFeedContract(name: string, open: () => Promise<PriceFeedFixture>): void {
  describe(`${name} (price feed contract)`, () => {
    let fixture: PriceFeedFixture;
    const ticks: Quote[] = [];

    beforeAll(async () => {
      fixture = await open();
    });

    afterAll(async () => {
      await fixture.feed.stop();
      await fixture.cleanup();
    });

    it('is idle before it starts', () => {
      expect(fixture.feed.status()).toMatchObject({ feed: fixture.feed.name, state: 'idle', ticks: 0, lastTickAt: null });
    });

    it('publishes valid ticks stamped with its name once started, and counts them', async () => {
      await fixture.feed.start((tick) => {
        ticks.push(tick);
      });
      await fixture.produce();
      await until(() => ticks.length > 0, 'a tick');
      for (const tick of ticks) {
        const instrument = findInstrument(tick.symbol);
        expect(instrument).toBeDefined();
        expect(tick.feed).toBe(fixture.feed.name);
        expect(tick.bid).toBeGreaterThan(0n);
        expect(tick.ask).toBeGreaterThanOrEqual(tick.bid);
        expect(hasAtMostDigits(tick.bid, instrument!.digits) && hasAtMostDigits(tick.ask, instrument!.digits)).toBe(true);
        expect(Number.isSafeInteger(tick.time)).toBe(true);
      }
      const status = fixture.feed.status();
      expect(status.ticks).toBe(ticks.length);
      expect(status.lastTickAt).toBe(ticks[ticks.length - 1]!.time);
    });

    it('is idle and publishes nothing more once stopped', async () => {
      await fixture.feed.stop();
      const count = ticks.length;
      await new Promise((r) => setTimeout(r, 300));
      expect(ticks).toHaveLength(count);
      expect(fixture.feed.status().state).toBe('idle');
    });
  });
}
