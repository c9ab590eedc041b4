import fc from 'fast-check';
import { findInstrument } from '../instruments/instruments.catalog.js';
import { parseFixed } from '../money/fixed.js';
import { accountMetrics, type OpenExposure } from './account-metrics.js';
import { FloatingMemo, type MemoPosition } from './floating-memo.js';
import { PriceBoard } from './price-board.js';
import type { MarketView, Quote } from './pricing.js';

const f = parseFixed;
let orderId = 1_000_000;
const position = (symbol: string, side: 'BUY' | 'SELL', volume: string, openPrice: string): MemoPosition => ({
  orderId: ++orderId,
  instrument: findInstrument(symbol)!,
  side,
  volume: f(volume),
  openPrice: f(openPrice),
});

function boardOf(prices: Record<string, [string, string]>): PriceBoard {
  const board = new PriceBoard();
  for (const [symbol, [bid, ask]] of Object.entries(prices)) board.update({ symbol, bid: f(bid), ask: f(ask), time: 0 });
  return board;
}

/** A market that counts the quotes asked for. */
function counting(market: PriceBoard): MarketView & { asked: number; update: PriceBoard['update'] } {
  const spy = { asked: 0, quote: (symbol: string) => (spy.asked++, market.quote(symbol)), update: (q: Quote) => market.update(q) };
  return spy;
}

describe('an account with 50 EURUSD positions and one AUDNZD position (converted at the NZDUSD mid)', () => {
  const positions = [
    ...Array.from({ length: 50 }, (_, i) => position('EURUSD', i % 2 === 0 ? 'BUY' : 'SELL', '0.1', '1.1')),
    position('AUDNZD', 'BUY', '1', '1.08'),
  ];
  const prices = { EURUSD: ['1.1001', '1.1003'], AUDNZD: ['1.081', '1.0812'], NZDUSD: ['0.6', '0.6002'] } as Record<string, [string, string]>;

  it('gives the floating profit of pricing every position: 25 × 1 − 25 × 3 + 1 × 100 000 × 0.001 × 0.6001 = 10.01', () => {
    // BUY 0.1 EURUSD closes at the bid: +1.00 each; SELL at the ask: −3.00 each; AUDNZD +100 NZD at 0.6001.
    const market = boardOf(prices);
    expect(new FloatingMemo().floating(100_001, () => positions, market)).toBe(f('10.01'));
    expect(accountMetrics(0n, 0n, positions, market)!.floating).toBe(f('10.01'));
  });

  it('asks one price per symbol and conversion pair while nothing moved, instead of re-pricing 51 positions', () => {
    let priced = 0; // reads of an open price: one per position priced
    const watched = positions.map((p) => new Proxy(p, { get: (target, key) => (key === 'openPrice' && priced++, target[key as keyof MemoPosition]) }));
    const memo = new FloatingMemo();
    const market = counting(boardOf(prices));
    memo.floating(100_001, () => watched, market);
    expect(priced).toBe(51);
    market.asked = 0;
    expect(memo.floating(100_001, () => watched, market)).toBe(f('10.01'));
    expect(priced).toBe(51);
    expect(market.asked).toBe(4); // EURUSD; AUDNZD with NZDUSD and USDNZD
    market.update({ symbol: 'EURUSD', bid: f('1.1002'), ask: f('1.1004'), time: 1 });
    memo.floating(100_001, () => watched, market);
    expect(priced).toBe(101); // the 50 EURUSD positions only
  });

  it('re-prices a symbol whose conversion pair moved: NZDUSD 0.7/0.7002 → AUDNZD +70.01', () => {
    const memo = new FloatingMemo();
    const market = boardOf(prices);
    memo.floating(100_001, () => positions, market);
    market.update({ symbol: 'NZDUSD', bid: f('0.7'), ask: f('0.7002'), time: 1 });
    expect(memo.floating(100_001, () => positions, market)).toBe(f('-50') + f('70.01'));
  });

  it('is undefined while a price is missing, and sums again once it arrives', () => {
    const memo = new FloatingMemo();
    const market = boardOf({ EURUSD: prices.EURUSD!, AUDNZD: prices.AUDNZD! });
    expect(memo.floating(100_001, () => positions, market)).toBeUndefined();
    market.update({ symbol: 'NZDUSD', bid: f('0.6'), ask: f('0.6002'), time: 1 });
    expect(memo.floating(100_001, () => positions, market)).toBe(f('10.01'));
  });

  it('reads the positions again once forgotten (they changed)', () => {
    const memo = new FloatingMemo();
    const market = boardOf(prices);
    memo.floating(100_001, () => positions, market);
    memo.forget(100_001);
    expect(memo.floating(100_001, () => positions.slice(0, 2), market)).toBe(f('-2'));
  });
});

describe('any account, through any sequence of price moves', () => {
  it('gives exactly the floating profit of pricing every position, at every step', () => {
    const SYMBOLS = ['BTCUSD', 'EURUSD', 'USDJPY', 'AUDNZD', 'NZDUSD'];
    const START: Record<string, number> = { BTCUSD: 42_000, EURUSD: 1.1, USDJPY: 150, AUDNZD: 1.08, NZDUSD: 0.6 };
    const price = (symbol: string, move: number) => {
      const digits = findInstrument(symbol)!.digits;
      return (START[symbol]! * (1 + move / 1_000)).toFixed(digits);
    };
    const positionArb = fc.record({ symbol: fc.constantFrom(...SYMBOLS), buy: fc.boolean(), lots: fc.constantFrom('0.01', '0.1', '1'), open: fc.integer({ min: -20, max: 20 }) });
    const stepArb = fc.record({ symbol: fc.constantFrom(...SYMBOLS), move: fc.integer({ min: -30, max: 30 }), spread: fc.nat({ max: 5 }) });
    fc.assert(
      fc.property(fc.array(positionArb, { minLength: 1, maxLength: 30 }), fc.array(stepArb, { maxLength: 40 }), (specs, steps) => {
        const positions = specs.map((p) => position(p.symbol, p.buy ? 'BUY' : 'SELL', p.lots, price(p.symbol, p.open)));
        const market = boardOf(Object.fromEntries(SYMBOLS.map((s) => [s, [price(s, 0), price(s, 1)]])));
        const memo = new FloatingMemo();
        for (const step of steps) {
          market.update({ symbol: step.symbol, bid: f(price(step.symbol, step.move)), ask: f(price(step.symbol, step.move + 1 + step.spread)), time: 0 });
          expect(memo.floating(1, () => positions, market)).toBe(accountMetrics(0n, 0n, positions, market)!.floating);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('an account whose positions open and close between measures', () => {
  it('gives exactly the floating profit of pricing every position, whatever opens, partly closes or closes', () => {
    const SYMBOLS = ['BTCUSD', 'EURUSD', 'USDJPY', 'AUDNZD'];
    const START: Record<string, string> = { BTCUSD: '42000', EURUSD: '1.1', USDJPY: '150', AUDNZD: '1.08' };
    const stepArb = fc.oneof(
      fc.record({ kind: fc.constant('open' as const), symbol: fc.constantFrom(...SYMBOLS), buy: fc.boolean(), lots: fc.constantFrom('0.1', '1') }),
      fc.record({ kind: fc.constant('partial' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('close' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('tick' as const), symbol: fc.constantFrom(...SYMBOLS, 'NZDUSD'), bp: fc.integer({ min: -50, max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), (steps) => {
        const market = boardOf({ ...Object.fromEntries(SYMBOLS.map((s) => [s, [START[s]!, START[s]!]])), NZDUSD: ['0.6', '0.6'] });
        const memo = new FloatingMemo();
        const open: MemoPosition[] = [];
        for (const step of steps) {
          if (step.kind === 'open') {
            const p = position(step.symbol, step.buy ? 'BUY' : 'SELL', step.lots, START[step.symbol]!);
            open.push(p);
            memo.opened(7, p);
          } else if (step.kind === 'partial' && open.length > 0) {
            const p = open[step.pick % open.length]!;
            if (p.volume > f('0.01')) {
              p.volume -= f('0.01'); // in place, as evolve does
              memo.closed(7, p.instrument.symbol, p.orderId, false);
            }
          } else if (step.kind === 'close' && open.length > 0) {
            const [p] = open.splice(step.pick % open.length, 1);
            memo.closed(7, p!.instrument.symbol, p!.orderId, true);
          } else if (step.kind === 'tick') {
            const q = market.quote(step.symbol)!;
            const bid = q.bid + (q.bid * BigInt(step.bp)) / 10_000n;
            market.update({ symbol: step.symbol, bid, ask: bid + 1_000n, time: 0 });
          }
          expect(memo.floating(7, () => open, market)).toBe(accountMetrics(0n, 0n, open, market)!.floating);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sums again only the group of the symbol a position opened on', () => {
    let priced = 0;
    const counted = (p: MemoPosition) => new Proxy(p, { get: (target, key) => (key === 'openPrice' && priced++, target[key as keyof MemoPosition]) });
    const positions = [...Array.from({ length: 20 }, () => counted(position('EURUSD', 'BUY', '0.1', '1.1'))), counted(position('BTCUSD', 'BUY', '0.1', '42000'))];
    const market = boardOf({ EURUSD: ['1.1001', '1.1003'], BTCUSD: ['42010', '42011'] });
    const memo = new FloatingMemo();
    memo.floating(7, () => positions, market);
    expect(priced).toBe(21);
    const another = counted(position('BTCUSD', 'SELL', '0.1', '42010'));
    positions.push(another);
    memo.opened(7, another);
    expect(memo.floating(7, () => positions, market)).toBe(accountMetrics(0n, 0n, positions, market)!.floating);
    expect(priced).toBe(21 + 2 + 22); // the BTCUSD group (2) by the memo, then all 22 by the check itself
  });
});

