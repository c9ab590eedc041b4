import fc from 'fast-check';
import { findInstrument } from '../../instruments/instruments.catalog.js';
import { fixedToString, parseFixed, SCALE, type Fixed } from '../../money/fixed.js';
import { PriceBoard } from '../../pricing/price-board.js';
import { requiredMargin, type Quote } from '../../pricing/pricing.js';
import { given } from '../../testing/decider-spec.js';
import { withFullScan } from '../../testing/full-scan-margin-watch.js';
import { ann, ANN_ACCOUNT, AT, f, NOW, opened, runTick, signedUp } from '../../testing/trading-fixtures.js';
import { decide } from '../engine.decide.js';
import { evolve } from '../engine.evolve.js';
import { initialState, type EngineState } from '../engine.state.js';
import type { DomainEvent } from '../events/index.js';
import { assessMargin, enforceMarginLevels, scratchOf } from '../risk.js';

/** The band of an account as the state holds it (null when it is not quiet or gets none). */
const marginBand = (...args: Parameters<typeof assessMargin>) => assessMargin(...args)?.ranges ?? null;

// The margin watch only narrows which accounts a tick checks: these tests hold it to deciding
// exactly what the full scan decides, and its bands to never hiding a margin call or stop-out.

describe('an account with 1200 USD and a BUY 1 EURUSD at 1.10000 (margin 1100; margin call at 1100, stop-out at 550)', () => {
  const state = () =>
    given([...ann('1200'), opened({ orderId: 1_000_001, symbol: 'EURUSD', volume: '1', openPrice: '1.1', leverage: 100, margin: '1100', balance: '1200' })]).state;

  it('gets a band of ±0.045395 % around bid 1.10000 / ask 1.10002: inside it, the equity loses at most half of its 99.87 USD headroom', () => {
    // headroom = 1200 − 1100 − (1100 / 10 000 + 2 cents of rounding) = 99.87; weight = 110 000 value + 0 profit + 0.02
    // move = 99.87 / (2 × 110 000.02) = 0.00045395 (rounded down); bid room 1.1 × move = 0.00049934, ask room 0.00049935
    const s = state();
    const market = board(['EURUSD', '1.1', '1.10002']);
    expect(marginBand(s, s.accounts.get(ANN_ACCOUNT)!, market)).toEqual([
      { symbol: 'EURUSD', bidLow: f('1.09950066'), bidHigh: f('1.10049934'), askLow: f('1.09952065'), askHigh: f('1.10051935') },
    ]);
  });

  it('is checked again only when a tick leaves that band, and then margin-called at the level it reached', () => {
    const s = state();
    expect(runTick(s, 'EURUSD', '1.1', '1.10002').events).toEqual([]);
    expect(s.marginWatch.unwatchedCount('EURUSD')).toBe(0); // banded
    expect(runTick(s, 'EURUSD', '1.0996', '1.09962').events).toEqual([]);
    expect(s.marginWatch.unwatchedCount('EURUSD')).toBe(0); // inside: not even looked at
    // bid 1.0989: a loss of 110 → equity 1090, level 99.09 %: the band is left, the account checked and called.
    expect(runTick(s, 'EURUSD', '1.0989', '1.09892').events).toEqual([
      { type: 'MarginCallTriggered', data: { accountId: ANN_ACCOUNT, marginLevel: '99.09', equity: '1090', margin: '1100', at: AT } },
    ]);
  });

  it('gets no band (checked at every tick) once its equity sits within the rounding cushion of a threshold', () => {
    const s = given([...ann('1100.1'), opened({ orderId: 1_000_001, symbol: 'EURUSD', volume: '1', openPrice: '1.1', leverage: 100, margin: '1100', balance: '1100.1' })]).state;
    expect(marginBand(s, s.accounts.get(ANN_ACCOUNT)!, board(['EURUSD', '1.1', '1.10002']))).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random books: USD-quoted, JPY-quoted (converted by its own price) and AUDNZD
// (converted by NZDUSD) positions, both sides, open prices away from the market.
// ---------------------------------------------------------------------------------------------

const START: Record<string, [string, string]> = {
  BTCUSD: ['42000', '42000.5'],
  EURUSD: ['1.1', '1.10002'],
  USDJPY: ['150', '150.02'],
  AUDNZD: ['1.08', '1.08005'],
  NZDUSD: ['0.6', '0.60003'],
};
const SYMBOLS = Object.keys(START);
const LOTS: Record<string, string[]> = {
  BTCUSD: ['0.01', '0.1', '0.5'],
  EURUSD: ['0.1', '0.5', '1'],
  USDJPY: ['0.1', '0.5', '1'],
  AUDNZD: ['0.1', '0.5', '1'],
  NZDUSD: ['0.1', '0.5', '1'],
};

function board(...quotes: [symbol: string, bid: string, ask: string][]): PriceBoard {
  const market = new PriceBoard();
  for (const [symbol, bid, ask] of quotes) market.update({ symbol, bid: parseFixed(bid), ask: parseFixed(ask), time: NOW });
  return market;
}

const startBoard = () => board(...Object.entries(START).map(([symbol, [bid, ask]]) => [symbol, bid, ask] as [string, string, string]));

/** `price` moved by `bp` hundredths of a percent, on the instrument's grid. */
function moved(symbol: string, price: Fixed, bp: number): Fixed {
  const point = 10n ** BigInt(8 - findInstrument(symbol)!.digits);
  return ((price + (price * BigInt(bp)) / 10_000n) / point) * point;
}

interface PositionSpec {
  symbol: string;
  buy: boolean;
  lots: number;
  /** Open price distance from today's, in hundredths of a percent. */
  openBp: number;
}
const positionArb = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  buy: fc.boolean(),
  lots: fc.nat({ max: 2 }),
  openBp: fc.integer({ min: -150, max: 150 }),
});
const accountArb = fc.record({ balance: fc.integer({ min: 50, max: 4_000 }), positions: fc.array(positionArb, { minLength: 1, maxLength: 5 }) });

/** Accounts 100001… with their deposits and positions, opened at 1:100 against the start prices. */
function bookOf(accounts: { balance: number; positions: PositionSpec[] }[]): DomainEvent[] {
  const market = startBoard();
  const events: DomainEvent[] = [];
  let orderId = 1_000_000;
  accounts.forEach((account, i) => {
    const accountId = 100_001 + i;
    events.push(...signedUp(i + 1, accountId, `u${i}@example.com`, String(account.balance)));
    for (const p of account.positions) {
      const instrument = findInstrument(p.symbol)!;
      const quote = market.quote(p.symbol)!;
      const openPrice = moved(p.symbol, p.buy ? quote.ask : quote.bid, p.openBp);
      const volume = parseFixed(LOTS[p.symbol]![p.lots]!);
      const margin = requiredMargin(volume, openPrice, 100, instrument, market)!;
      events.push(
        opened({
          orderId: ++orderId,
          accountId,
          symbol: p.symbol,
          side: p.buy ? 'BUY' : 'SELL',
          volume: fixedToString(volume),
          openPrice: fixedToString(openPrice),
          leverage: 100,
          margin: fixedToString(margin),
          balance: String(account.balance),
        }),
      );
    }
  });
  return events;
}

describe('a banded account, wherever its prices move inside the band', () => {
  it('has nothing to decide: no margin call, clearing or stop-out', () => {
    let banded = 0;
    fc.assert(
      fc.property(
        accountArb,
        fc.boolean(),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 5, maxLength: 5 }),
        (account, marginCall, where) => {
          const state = initialState();
          for (const event of bookOf([account])) evolve(state, event);
          state.accounts.get(100_001)!.marginCall = marginCall;
          const market = startBoard();
          const scratch = () => scratchOf(state, state.accounts.get(100_001)!);
          if (enforceMarginLevels(state, scratch(), market, NOW).length > 0) return; // would act now: never banded
          const ranges = marginBand(state, state.accounts.get(100_001)!, market);
          if (!ranges) return;
          banded++;
          // Somewhere inside each range (fractions 0 and 1 land one unit inside the edges).
          const inside = (low: Fixed, high: Fixed, at: number) => low + 1n + (BigInt(Math.floor(at * 1e6)) * (high - low - 2n)) / 1_000_000n;
          ranges.forEach((r, i) => {
            const [bidAt, askAt] = where[i] ?? [0.5, 0.5];
            market.update({ symbol: r.symbol, bid: inside(r.bidLow, r.bidHigh, bidAt), ask: inside(r.askLow, r.askHigh, askAt), time: NOW });
          });
          expect(enforceMarginLevels(state, scratch(), market, NOW)).toEqual([]);
        },
      ),
      { numRuns: 1_500 },
    );
    expect(banded).toBeGreaterThan(300); // the property was about bands, not about accounts that got none
  });
});

describe('a book of accounts ticked at random', () => {
  it('decides exactly what the full scan of every exposed account decides, tick by tick, balance changes and group redefinitions included', () => {
    const seen = { marginCalls: 0, cleared: 0, stopOuts: 0, writeOffs: 0 };
    const stepArb = fc.oneof(
      { weight: 12, arbitrary: fc.record({ kind: fc.constant('tick' as const), symbol: fc.constantFrom(...SYMBOLS), bp: fc.integer({ min: -40, max: 40 }), spreadPoints: fc.nat({ max: 30 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('balance' as const), account: fc.nat({ max: 5 }), amount: fc.integer({ min: -300, max: 300 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('group' as const), marginCall: fc.constantFrom('100', '120', '80'), stopOut: fc.constantFrom('50', '30', '70') }) },
    );
    fc.assert(
      fc.property(fc.array(accountArb, { minLength: 1, maxLength: 6 }), fc.array(stepArb, { minLength: 30, maxLength: 120 }), (accounts, steps) => {
        const watched = initialState();
        const scanned = withFullScan(initialState());
        for (const event of bookOf(accounts)) for (const s of [watched, scanned]) evolve(s, event);
        const market = startBoard();
        let now = NOW;
        steps.forEach((step, i) => {
          now += 1_000;
          const events = eventsOf(step, watched, market, now);
          if (step.kind === 'tick') {
            // Both engines see the same price and decide from the same state: the decisions must match.
            const command = { type: 'ApplyTick' as const, commandId: `t${i}`, tick: market.quote(step.symbol)! };
            const ctx = { now, market, priceStaleMs: 60_000 };
            const [a, b] = [decide(watched, command, ctx), decide(scanned, command, ctx)];
            expect(a.events).toEqual(b.events);
            for (const event of a.events) {
              evolve(watched, event);
              evolve(scanned, event);
              count(seen, event);
            }
          } else {
            for (const event of events) for (const s of [watched, scanned]) evolve(s, event);
          }
        });
      }),
      { numRuns: 250 },
    );
    // The property met every branch it is about.
    expect(seen.marginCalls).toBeGreaterThan(20);
    expect(seen.cleared).toBeGreaterThan(10);
    expect(seen.stopOuts).toBeGreaterThan(20);
  });
});

type Step =
  | { kind: 'tick'; symbol: string; bp: number; spreadPoints: number }
  | { kind: 'balance'; account: number; amount: number }
  | { kind: 'group'; marginCall: string; stopOut: string };

/** Moves the market for a tick step; the events of a balance change or group redefinition otherwise. */
function eventsOf(step: Step, state: EngineState, market: PriceBoard, now: number): DomainEvent[] {
  const at = new Date(now).toISOString();
  switch (step.kind) {
    case 'tick': {
      const previous = market.quote(step.symbol)!;
      const point = 10n ** BigInt(8 - findInstrument(step.symbol)!.digits);
      const bid = moved(step.symbol, previous.bid, step.bp);
      const quote: Quote = { symbol: step.symbol, bid, ask: bid + point * BigInt(1 + step.spreadPoints), time: now };
      market.update(quote);
      return [];
    }
    case 'balance': {
      const account = state.accounts.get(100_001 + step.account);
      if (!account) return [];
      const balance = account.balance + BigInt(step.amount) * SCALE;
      return [
        {
          type: 'BalanceChanged',
          data: {
            accountId: account.accountId,
            kind: step.amount < 0 ? 'WITHDRAWAL' : 'DEPOSIT',
            amount: String(step.amount),
            balance: fixedToString(balance),
            comment: '',
            changedAt: at,
          },
        },
      ];
    }
    case 'group':
      return [
        {
          type: 'GroupDefined',
          data: {
            name: 'demo',
            leverage: 100,
            maxLeverage: 1000,
            marginCallPercent: step.marginCall,
            stopOutPercent: step.stopOut,
            commissionPerLot: '0',
            symbols: null,
            hedging: true,
            definedAt: at,
          },
        },
      ];
  }
}

function count(seen: { marginCalls: number; cleared: number; stopOuts: number; writeOffs: number }, event: DomainEvent): void {
  if (event.type === 'MarginCallTriggered') seen.marginCalls++;
  else if (event.type === 'MarginCallCleared') seen.cleared++;
  else if (event.type === 'PositionClosed' && event.data.reason === 'STOP_OUT') seen.stopOuts++;
  else if (event.type === 'BalanceWrittenOff') seen.writeOffs++;
}
