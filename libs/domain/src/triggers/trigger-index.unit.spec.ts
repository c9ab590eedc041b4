import fc from 'fast-check';
import { parseFixed, type Fixed } from '../money/fixed.js';
import type { Side } from '../pricing/pricing.js';
import { TriggerIndex, type FiredTrigger } from './trigger-index.js';

const f = parseFixed;

describe('an empty trigger index', () => {
  it('fires nothing and has size 0', () => {
    const index = new TriggerIndex();
    expect(index.fired('BTCUSD', f('1'), f('1'))).toEqual([]);
    expect(index.size()).toBe(0);
    expect(index.size('BTCUSD')).toBe(0);
  });

  it('ignores disarming an unknown symbol or order', () => {
    const index = new TriggerIndex();
    index.disarm('BTCUSD', 1);
    expect(index.size()).toBe(0);
  });
});

describe('a BUY BTCUSD #1 with TP 43000.00 and SL 41000.00 (closes on the bid)', () => {
  const build = () => {
    const index = new TriggerIndex();
    index.arm('BTCUSD', 1, 'BUY', f('43000.00'), f('41000.00'));
    return index;
  };

  it.each<[string, string, FiredTrigger[]]>([
    ['42999.99', '43000.49', []], // just below TP
    ['43000.00', '43000.50', [{ orderId: 1, kind: 'TAKE_PROFIT' }]], // bid = TP
    ['43500.00', '43500.50', [{ orderId: 1, kind: 'TAKE_PROFIT' }]], // gap through TP
    ['42999.00', '43001.00', []], // the ask above TP does not count for a BUY
    ['41000.01', '41000.51', []], // just above SL
    ['41000.00', '41000.50', [{ orderId: 1, kind: 'STOP_LOSS' }]], // bid = SL
    ['40000.00', '40000.50', [{ orderId: 1, kind: 'STOP_LOSS' }]], // gap through SL
  ])('bid %s / ask %s fires %j', (bid, ask, expected) => {
    expect(build().fired('BTCUSD', f(bid), f(ask))).toEqual(expected);
  });

  it('does not fire on another symbol', () => {
    expect(build().fired('ETHUSD', f('50000'), f('50000'))).toEqual([]);
  });

  it('counts two armed levels', () => {
    const index = build();
    expect(index.size('BTCUSD')).toBe(2);
    expect(index.size('ETHUSD')).toBe(0);
    expect(index.size()).toBe(2);
  });

  it('stays armed after firing: fired() only reads', () => {
    const index = build();
    index.fired('BTCUSD', f('43000'), f('43000.5'));
    expect(index.fired('BTCUSD', f('43000'), f('43000.5'))).toEqual([{ orderId: 1, kind: 'TAKE_PROFIT' }]);
  });

  it('fires nothing after disarm', () => {
    const index = build();
    index.disarm('BTCUSD', 1);
    expect(index.size()).toBe(0);
    expect(index.fired('BTCUSD', f('50000'), f('50000'))).toEqual([]);
    expect(index.fired('BTCUSD', f('1'), f('1'))).toEqual([]);
  });

  it('re-arming moves the levels, and a null level disarms it', () => {
    const index = build();
    index.arm('BTCUSD', 1, 'BUY', f('44000.00'), null);
    expect(index.size('BTCUSD')).toBe(1);
    expect(index.fired('BTCUSD', f('43000'), f('43000.5'))).toEqual([]); // old TP gone
    expect(index.fired('BTCUSD', f('40000'), f('40000.5'))).toEqual([]); // SL gone
    expect(index.fired('BTCUSD', f('44000'), f('44000.5'))).toEqual([{ orderId: 1, kind: 'TAKE_PROFIT' }]);
  });
});

describe('a SELL EURUSD #2 with TP 1.08000 and SL 1.09000 (closes on the ask)', () => {
  const build = () => {
    const index = new TriggerIndex();
    index.arm('EURUSD', 2, 'SELL', f('1.08000'), f('1.09000'));
    return index;
  };

  it.each<[string, string, FiredTrigger[]]>([
    ['1.07990', '1.08000', [{ orderId: 2, kind: 'TAKE_PROFIT' }]], // ask = TP
    ['1.07000', '1.07010', [{ orderId: 2, kind: 'TAKE_PROFIT' }]], // gap through TP
    ['1.08000', '1.08010', []], // the bid at TP does not count for a SELL
    ['1.08990', '1.09000', [{ orderId: 2, kind: 'STOP_LOSS' }]], // ask = SL
    ['1.09000', '1.08999', []], // bid at SL, ask below: nothing (crossed quote, only the ask counts)
    ['1.09500', '1.09510', [{ orderId: 2, kind: 'STOP_LOSS' }]], // gap through SL
    ['1.08500', '1.08510', []],
  ])('bid %s / ask %s fires %j', (bid, ask, expected) => {
    expect(build().fired('EURUSD', f(bid), f(ask))).toEqual(expected);
  });
});

describe('several positions on one symbol', () => {
  it('reports every fired level in ascending order id, across sides and kinds', () => {
    const index = new TriggerIndex();
    index.arm('BTCUSD', 7, 'BUY', null, f('41500')); // SL fires when bid ≤ 41500
    index.arm('BTCUSD', 3, 'SELL', f('41600'), null); // TP fires when ask ≤ 41600
    index.arm('BTCUSD', 5, 'BUY', null, f('41400')); // not reached by bid 41450
    index.arm('BTCUSD', 1, 'SELL', null, f('45000')); // SL far above
    index.arm('BTCUSD', 9, 'BUY', f('41000'), null); // TP below the bid: fires (armed that way only by a bad caller)
    expect(index.fired('BTCUSD', f('41450'), f('41450.5'))).toEqual([
      { orderId: 3, kind: 'TAKE_PROFIT' },
      { orderId: 7, kind: 'STOP_LOSS' },
      { orderId: 9, kind: 'TAKE_PROFIT' },
    ]);
    expect(index.size('BTCUSD')).toBe(5);
  });

  it('keeps symbols apart', () => {
    const index = new TriggerIndex();
    index.arm('BTCUSD', 1, 'BUY', f('100'), null);
    index.arm('ETHUSD', 2, 'BUY', f('100'), null);
    expect(index.fired('ETHUSD', f('100'), f('101'))).toEqual([{ orderId: 2, kind: 'TAKE_PROFIT' }]);
    index.disarm('ETHUSD', 1); // the BTCUSD position is not touched through another symbol
    expect(index.size('BTCUSD')).toBe(1);
    expect(index.size()).toBe(2);
  });
});

describe('TriggerIndex against a naive scan (property)', () => {
  interface Armed {
    symbol: string;
    side: Side;
    takeProfit: Fixed | null;
    stopLoss: Fixed | null;
  }
  type Op =
    | { kind: 'arm'; symbol: string; orderId: number; side: Side; takeProfit: Fixed | null; stopLoss: Fixed | null }
    | { kind: 'disarm'; orderId: number }
    | { kind: 'tick'; symbol: string; bid: Fixed; ask: Fixed };

  const symbol = fc.constantFrom('BTCUSD', 'EURUSD');
  // Prices around 100 with 2 decimals at the domain scale, so levels and ticks often coincide.
  const price = fc.integer({ min: 9_900, max: 10_100 }).map((cents) => BigInt(cents) * 1_000_000n);
  const level = fc.option(price, { nil: null, freq: 3 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('arm' as const),
        symbol,
        orderId: fc.integer({ min: 1, max: 25 }),
        side: fc.constantFrom<Side>('BUY', 'SELL'),
        takeProfit: level,
        stopLoss: level,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('disarm' as const), orderId: fc.integer({ min: 1, max: 25 }) }) },
    {
      weight: 3,
      arbitrary: fc
        .record({ symbol, bid: price, spread: fc.integer({ min: 0, max: 20 }) })
        .map(({ symbol: s, bid, spread }) => ({ kind: 'tick' as const, symbol: s, bid, ask: bid + BigInt(spread) * 1_000_000n })),
    },
  );

  const naive = (armed: Map<number, Armed>, symbol: string, bid: Fixed, ask: Fixed): FiredTrigger[] => {
    const fired: FiredTrigger[] = [];
    for (const [orderId, p] of [...armed].sort(([a], [b]) => a - b)) {
      if (p.symbol !== symbol) continue;
      const price = p.side === 'BUY' ? bid : ask;
      const tp = p.takeProfit !== null && (p.side === 'BUY' ? price >= p.takeProfit : price <= p.takeProfit);
      const sl = p.stopLoss !== null && (p.side === 'BUY' ? price <= p.stopLoss : price >= p.stopLoss);
      if (tp) fired.push({ orderId, kind: 'TAKE_PROFIT' });
      if (sl) fired.push({ orderId, kind: 'STOP_LOSS' });
    }
    return fired;
  };
  // Within one order id the index reports TP before or after SL depending on its heaps; compare as sets per id.
  const canonical = (list: FiredTrigger[]) =>
    [...list].sort((a, b) => a.orderId - b.orderId || a.kind.localeCompare(b.kind));

  it('fired() equals a scan of every armed position, after any sequence of arm/disarm', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 300, size: 'max' }), (ops) => {
        const index = new TriggerIndex();
        const armed = new Map<number, Armed>();
        for (const o of ops) {
          if (o.kind === 'arm') {
            // A position keeps its symbol and side for life (the engine re-arms only with the same ones).
            const existing = armed.get(o.orderId);
            const sym = existing?.symbol ?? o.symbol;
            const side = existing?.side ?? o.side;
            index.arm(sym, o.orderId, side, o.takeProfit, o.stopLoss);
            armed.set(o.orderId, { symbol: sym, side, takeProfit: o.takeProfit, stopLoss: o.stopLoss });
          } else if (o.kind === 'disarm') {
            const existing = armed.get(o.orderId);
            if (existing) index.disarm(existing.symbol, o.orderId);
            armed.delete(o.orderId);
          } else {
            const actual = canonical(index.fired(o.symbol, o.bid, o.ask));
            const expected = canonical(naive(armed, o.symbol, o.bid, o.ask));
            if (JSON.stringify(actual) !== JSON.stringify(expected)) return false; // fast-check shrinks and reports
          }
        }
        let levels = 0;
        for (const p of armed.values()) levels += (p.takeProfit === null ? 0 : 1) + (p.stopLoss === null ? 0 : 1);
        return index.size() === levels;
      }),
      { numRuns: 300 },
    );
  });
});
