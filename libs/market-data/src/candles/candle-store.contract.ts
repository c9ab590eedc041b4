/**
 * The behaviour every CandleStore adapter must have, as one suite each adapter's integration spec
 * runs against its real backend (`describeCandleStoreContract(name, factory)`).
 */
import { fixedToString, parseFixed, type Quote } from '../../../domain/src/index.js';
import { aggregateTicks, type Candle } from './candle.js';
import type { CandleStore } from './candle-store.port.js';

export interface CandleStoreFixture {
  /** A new, empty store of its own. */
  store: CandleStore;
  /** Closes the store and opens a new one on the same data (a restart). */
  reopen(): Promise<CandleStore>;
  /** Closes whatever is open and removes the data. */
  cleanup(): Promise<void>;
}

const at = (iso: string) => Date.parse(iso);
export const tick = (time: string, bid: string, ask: string, symbol = 'BTCUSD'): Quote => ({ symbol, bid: parseFixed(bid), ask: parseFixed(ask), time: at(time) });

export const shown = (c: Candle) => ({
  time: new Date(c.start).toISOString(),
  open: fixedToString(c.open),
  high: fixedToString(c.high),
  low: fixedToString(c.low),
  close: fixedToString(c.close),
  ticks: c.ticks,
  minSpread: fixedToString(c.minSpread),
});

const query = (from: string, to: string, extra: Partial<{ limit: number; keep: 'oldest' | 'newest'; interval: string; symbol: string }> = {}) => ({
  symbol: 'BTCUSD',
  interval: '1m',
  from: at(from),
  to: at(to),
  limit: 1000,
  keep: 'oldest' as const,
  ...extra,
});

export function describeCandleStoreContract(name: string, open: () => Promise<CandleStoreFixture>): void {
  describe(`${name} (candle store contract)`, () => {
    let fixture: CandleStoreFixture;
    let store: CandleStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('an empty store', () => {
      it('has no bars', async () => {
        expect(await store.candles(query('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'))).toEqual([]);
      });
    });

    describe('a store that merged ticks in two batches', () => {
      beforeEach(async () => {
        await store.merge(aggregateTicks([tick('2026-03-02T10:00:05.000Z', '65010.5', '65025.5'), tick('2026-03-02T10:00:31.000Z', '64998.25', '65013.25')]));
        await store.merge(
          aggregateTicks([
            tick('2026-03-02T10:00:59.999Z', '65022.01', '65023'),
            tick('2026-03-02T10:01:00.000Z', '65030.1', '65045.1'),
            tick('2026-03-02T10:03:40.000Z', '64975.55', '64990.55'),
            tick('2026-03-02T10:00:40.000Z', '3203.4', '3203.9', 'ETHUSD'),
          ]),
        );
      });

      it('holds each bar merged exactly, oldest first, with no bar for a minute without ticks', async () => {
        expect((await store.candles(query('2026-03-02T10:00:00Z', '2026-03-02T10:59:00Z'))).map(shown)).toEqual([
          { time: '2026-03-02T10:00:00.000Z', open: '65010.5', high: '65022.01', low: '64998.25', close: '65022.01', ticks: 3, minSpread: '0.99' },
          { time: '2026-03-02T10:01:00.000Z', open: '65030.1', high: '65030.1', low: '65030.1', close: '65030.1', ticks: 1, minSpread: '15' },
          { time: '2026-03-02T10:03:00.000Z', open: '64975.55', high: '64975.55', low: '64975.55', close: '64975.55', ticks: 1, minSpread: '15' },
        ]);
      });

      it('keeps every interval and symbol apart', async () => {
        expect((await store.candles(query('2026-03-02T10:00:00Z', '2026-03-02T10:59:00Z', { interval: '5m' }))).map(shown)).toEqual([
          { time: '2026-03-02T10:00:00.000Z', open: '65010.5', high: '65030.1', low: '64975.55', close: '64975.55', ticks: 5, minSpread: '0.99' },
        ]);
        expect((await store.candles(query('2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z', { interval: '1d', symbol: 'ETHUSD' }))).map(shown)).toEqual([
          { time: '2026-03-02T00:00:00.000Z', open: '3203.4', high: '3203.4', low: '3203.4', close: '3203.4', ticks: 1, minSpread: '0.5' },
        ]);
      });

      it('returns the bars whose start lies in [from, to], both ends included', async () => {
        const bars = await store.candles(query('2026-03-02T10:01:00Z', '2026-03-02T10:03:00Z'));
        expect(bars.map((b) => new Date(b.start).toISOString())).toEqual(['2026-03-02T10:01:00.000Z', '2026-03-02T10:03:00.000Z']);
        expect(await store.candles(query('2026-03-02T10:00:00.001Z', '2026-03-02T10:00:59.999Z'))).toEqual([]);
      });

      it('keeps the oldest or the newest bars within the limit, oldest first either way', async () => {
        const oldest = await store.candles(query('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z', { limit: 2, keep: 'oldest' }));
        const newest = await store.candles(query('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z', { limit: 2, keep: 'newest' }));
        expect(oldest.map((b) => new Date(b.start).toISOString())).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T10:01:00.000Z']);
        expect(newest.map((b) => new Date(b.start).toISOString())).toEqual(['2026-03-02T10:01:00.000Z', '2026-03-02T10:03:00.000Z']);
      });

      it('still holds them after a restart, and merges later ticks into them', async () => {
        store = await fixture.reopen();
        await store.merge(aggregateTicks([tick('2026-03-02T10:00:45.000Z', '64990.75', '64991')]));
        expect((await store.candles(query('2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'))).map(shown)).toEqual([
          { time: '2026-03-02T10:00:00.000Z', open: '65010.5', high: '65022.01', low: '64990.75', close: '65022.01', ticks: 4, minSpread: '0.25' },
        ]);
      });
    });

    describe('a late batch holding older ticks of a bar', () => {
      it('moves the open back and leaves the close to the latest tick', async () => {
        await store.merge(aggregateTicks([tick('2026-03-02T10:00:30.000Z', '200', '201')], ['1m']));
        await store.merge(aggregateTicks([tick('2026-03-02T10:00:10.000Z', '150', '151')], ['1m']));
        expect((await store.candles(query('2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'))).map(shown)).toEqual([
          { time: '2026-03-02T10:00:00.000Z', open: '150', high: '200', low: '150', close: '200', ticks: 2, minSpread: '1' },
        ]);
      });
    });

    describe('prices of very different magnitudes in one bar', () => {
      it('compares them as numbers, not as text', async () => {
        // As text "9.5" > "10.25" and "100" < "99.99": the store must compare values.
        await store.merge(aggregateTicks([tick('2026-03-02T10:00:01.000Z', '9.5', '9.6'), tick('2026-03-02T10:00:02.000Z', '10.25', '10.3'), tick('2026-03-02T10:00:03.000Z', '100', '100.01'), tick('2026-03-02T10:00:04.000Z', '99.99', '100')], ['1m']));
        await store.merge(aggregateTicks([tick('2026-03-02T10:00:05.000Z', '0.01', '0.02')], ['1m']));
        expect((await store.candles(query('2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'))).map(shown)).toEqual([
          { time: '2026-03-02T10:00:00.000Z', open: '9.5', high: '100', low: '0.01', close: '0.01', ticks: 5, minSpread: '0.01' },
        ]);
      });
    });

    describe('many concurrent merges into one bar', () => {
      it('loses none of them', async () => {
        await Promise.all(
          Array.from({ length: 25 }, (_, i) => store.merge(aggregateTicks([tick(`2026-03-02T10:00:${String(10 + i).padStart(2, '0')}.000Z`, String(1000 + i), String(1001 + i))], ['1m']))),
        );
        const [bar] = await store.candles(query('2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'));
        expect(shown(bar!)).toEqual({ time: '2026-03-02T10:00:00.000Z', open: '1000', high: '1024', low: '1000', close: '1024', ticks: 25, minSpread: '1' });
      });
    });
  });
}
