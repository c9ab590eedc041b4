import fc from 'fast-check';
import { fixedToString, parseFixed, type Quote } from '../../../domain/src/index.js';
import { aggregateTicks, bucketStart, candleOfTick, INTERVAL_MS, mergeCandles, type Candle } from './candle.js';

const at = (iso: string) => Date.parse(iso);
const tick = (time: string, bid: string, ask: string, symbol = 'BTCUSD'): Quote => ({ symbol, bid: parseFixed(bid), ask: parseFixed(ask), time: at(time) });

/** A candle's prices as decimal strings, to compare with hand-written values. */
function ohlc(c: Candle) {
  return {
    interval: c.interval,
    time: new Date(c.start).toISOString(),
    open: fixedToString(c.open),
    high: fixedToString(c.high),
    low: fixedToString(c.low),
    close: fixedToString(c.close),
    ticks: c.ticks,
    minSpread: fixedToString(c.minSpread),
  };
}

describe('bucketing a tick time', () => {
  it('puts the first and the last millisecond of a minute in that minute', () => {
    expect(bucketStart(at('2026-03-02T10:00:00.000Z'), INTERVAL_MS['1m'])).toBe(at('2026-03-02T10:00:00.000Z'));
    expect(bucketStart(at('2026-03-02T10:00:59.999Z'), INTERVAL_MS['1m'])).toBe(at('2026-03-02T10:00:00.000Z'));
    expect(bucketStart(at('2026-03-02T10:01:00.000Z'), INTERVAL_MS['1m'])).toBe(at('2026-03-02T10:01:00.000Z'));
  });

  it('aligns 5m, 15m, 1h and 1d bars on the clock and on midnight UTC', () => {
    const t = at('2026-03-02T10:37:12.345Z');
    expect(new Date(bucketStart(t, INTERVAL_MS['5m'])).toISOString()).toBe('2026-03-02T10:35:00.000Z');
    expect(new Date(bucketStart(t, INTERVAL_MS['15m'])).toISOString()).toBe('2026-03-02T10:30:00.000Z');
    expect(new Date(bucketStart(t, INTERVAL_MS['1h'])).toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(new Date(bucketStart(t, INTERVAL_MS['1d'])).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('floors times before 1970 too', () => {
    expect(bucketStart(-1, INTERVAL_MS['1m'])).toBe(-60_000);
  });
});

describe('ticks of two minutes aggregated', () => {
  const ticks = [
    tick('2026-03-02T10:00:05.000Z', '65010.5', '65025.5'),
    tick('2026-03-02T10:00:17.000Z', '65022', '65037'),
    tick('2026-03-02T10:00:31.000Z', '64998.25', '65013.25'),
    tick('2026-03-02T10:00:59.999Z', '65001', '65011'),
    tick('2026-03-02T10:01:00.000Z', '65030.1', '65045.1'),
  ];

  it('gives one bar per minute with the first, highest, lowest and last bid, and the tick count', () => {
    const bars = aggregateTicks(ticks, ['1m']).map(ohlc);
    expect(bars).toEqual([
      { interval: '1m', time: '2026-03-02T10:00:00.000Z', open: '65010.5', high: '65022', low: '64998.25', close: '65001', ticks: 4, minSpread: '10' },
      { interval: '1m', time: '2026-03-02T10:01:00.000Z', open: '65030.1', high: '65030.1', low: '65030.1', close: '65030.1', ticks: 1, minSpread: '15' },
    ]);
  });

  it('gives one bar for all of them at 5m, 15m, 1h and 1d', () => {
    const bars = aggregateTicks(ticks, ['5m', '15m', '1h', '1d']).map(ohlc);
    for (const bar of bars) expect(bar).toMatchObject({ open: '65010.5', high: '65030.1', low: '64998.25', close: '65030.1', ticks: 5 });
    expect(bars.map((b) => b.time)).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T10:00:00.000Z', '2026-03-02T10:00:00.000Z', '2026-03-02T00:00:00.000Z']);
  });

  it('keeps symbols apart', () => {
    const bars = aggregateTicks([...ticks, tick('2026-03-02T10:00:06.000Z', '3201.15', '3201.65', 'ETHUSD')], ['1m']);
    expect(bars.map((b) => `${b.symbol} ${new Date(b.start).toISOString()} ${b.ticks}`)).toEqual([
      'BTCUSD 2026-03-02T10:00:00.000Z 4',
      'BTCUSD 2026-03-02T10:01:00.000Z 1',
      'ETHUSD 2026-03-02T10:00:00.000Z 1',
    ]);
  });
});

describe('prices that binary floating point cannot hold', () => {
  it('stay exact through the aggregation', () => {
    // 0.1 + 0.2 !== 0.3 in doubles; here every price is a scaled integer.
    const bars = aggregateTicks(
      [tick('2026-03-02T10:00:01.000Z', '1.00001', '1.00003', 'EURUSD'), tick('2026-03-02T10:00:02.000Z', '0.30000', '0.30002', 'EURUSD'), tick('2026-03-02T10:00:03.000Z', '9007199.25', '9007199.26')],
      ['1m'],
    );
    expect(bars.map(ohlc).map((b) => [b.open, b.low, b.close, b.minSpread])).toEqual([
      ['1.00001', '0.3', '0.3', '0.00002'],
      ['9007199.25', '9007199.25', '9007199.25', '0.01'],
    ]);
  });
});

describe('two partial candles of the same bar', () => {
  const a = candleOfTick(tick('2026-03-02T10:00:10.000Z', '100', '101'), '1m', INTERVAL_MS['1m']);
  const b = candleOfTick(tick('2026-03-02T10:00:20.000Z', '105', '105.5'), '1m', INTERVAL_MS['1m']);

  it('merge to the same candle whichever arrives first', () => {
    expect(ohlc(mergeCandles(a, b))).toEqual(ohlc(mergeCandles(b, a)));
    expect(ohlc(mergeCandles(a, b))).toMatchObject({ open: '100', close: '105', high: '105', low: '100', ticks: 2, minSpread: '0.5' });
  });

  it('with equal tick times keep the earlier arrival as open and the later as close', () => {
    const same = candleOfTick(tick('2026-03-02T10:00:10.000Z', '99', '100'), '1m', INTERVAL_MS['1m']);
    expect(ohlc(mergeCandles(a, same))).toMatchObject({ open: '100', close: '99' });
  });
});

describe('any split of a tick sequence into batches', () => {
  it('merges to what aggregating all ticks at once gives', () => {
    const base = at('2026-03-02T10:00:00.000Z');
    const arbitraryTicks = fc.array(
      fc.record({ offset: fc.integer({ min: 0, max: 10 * 60_000 }), bid: fc.integer({ min: 1, max: 10_000_000 }), spread: fc.integer({ min: 0, max: 500 }) }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(arbitraryTicks, fc.array(fc.nat(), { maxLength: 5 }), (raw, cuts) => {
        // Distinct, increasing times: the order the engine applies them.
        const ticks = raw
          .map((r, i) => ({ ...r, offset: r.offset * 100 + i }))
          .sort((x, y) => x.offset - y.offset)
          .map((r) => ({ symbol: 'BTCUSD', bid: BigInt(r.bid) * 1_000_000n, ask: BigInt(r.bid + r.spread) * 1_000_000n, time: base + r.offset }));
        const whole = aggregateTicks(ticks, ['1m', '5m']);
        const points = [...new Set(cuts.map((c) => c % (ticks.length + 1)))].sort((x, y) => x - y);
        const batches: Quote[][] = [];
        let from = 0;
        for (const p of [...points, ticks.length]) {
          batches.push(ticks.slice(from, p));
          from = p;
        }
        const merged = new Map<string, Candle>();
        // Batches merged in reverse order: the result must not depend on it.
        for (const batch of batches.reverse()) {
          for (const c of aggregateTicks(batch, ['1m', '5m'])) {
            const key = `${c.interval}/${c.start}`;
            const known = merged.get(key);
            merged.set(key, known ? mergeCandles(known, c) : c);
          }
        }
        expect(whole.map(ohlc).sort((x, y) => `${x.interval}${x.time}`.localeCompare(`${y.interval}${y.time}`))).toEqual(
          [...merged.values()].map(ohlc).sort((x, y) => `${x.interval}${x.time}`.localeCompare(`${y.interval}${y.time}`)),
        );
      }),
    );
  });
});
