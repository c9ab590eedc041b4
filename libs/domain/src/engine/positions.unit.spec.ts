import type { PositionClosed } from '../index.js';
import { given } from '../testing/decider-spec.js';
import {
  ann,
  ANN_ACCOUNT,
  AT,
  bob,
  BOB,
  closeBySymbol,
  closed,
  closePosition,
  f,
  modifyPosition,
  NOW,
  opened,
  pricesAt,
  rejected,
  run,
  runTick,
  used,
} from '../testing/trading-fixtures.js';

const ORDER = 1_000_001;
const BTC = { BTCUSD: ['42000.00', '42000.50'] as [string, string] };

// ---------------------------------------------------------------------------------------------
// ModifyPosition
// ---------------------------------------------------------------------------------------------

describe('ModifyPosition', () => {
  describe('an account with 10000 USD and a BUY 1 BTCUSD at 42000.50 with TP 43000 and SL 41000; bid 42000.00', () => {
    const history = () => [...ann(), opened({ orderId: ORDER, takeProfit: '43000', stopLoss: '41000' })];

    it('sets TP 43500 and SL 41500', () => {
      given(history())
        .when(modifyPosition(ORDER, '43500', '41500.00'), pricesAt(BTC))
        .then([{ type: 'PositionModified', data: { accountId: ANN_ACCOUNT, orderId: ORDER, takeProfit: '43500', stopLoss: '41500', modifiedAt: AT } }])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', orderId: ORDER });
    });

    // The levels are re-armed: a new level fires at the price that reaches it, an old one no longer does.
    // Profit of a BUY 1 closed at the bid: bid − 42000.50.
    it.each<[string | null, string | null, string, string, 'TAKE_PROFIT' | 'STOP_LOSS' | null, string | null, string | null]>([
      ['43500', '41000', '43000.00', '43000.50', null, null, null], // the old TP 43000 no longer fires
      ['43500', '41000', '43500.00', '43500.50', 'TAKE_PROFIT', '1499.5', '11499.5'], // 43500.00 − 42000.50
      ['42500', '41000', '42500.00', '42500.50', 'TAKE_PROFIT', '499.5', '10499.5'], // a nearer TP: 42500.00 − 42000.50
      ['43000', '40000', '41000.00', '41000.50', null, null, null], // the old SL 41000 no longer fires
      ['43000', '41500', '41500.00', '41500.50', 'STOP_LOSS', '-500.5', '9499.5'], // 41500.00 − 42000.50
      [null, null, '45000.00', '45000.50', null, null, null], // both levels removed
      [null, null, '39000.00', '39000.50', null, null, null],
    ])('after TP %s / SL %s, a tick %s / %s closes it by %s (profit %s, balance %s)', (takeProfit, stopLoss, bid, ask, reason, profit, balance) => {
      const state = given(history()).when(modifyPosition(ORDER, takeProfit, stopLoss), pricesAt(BTC)).state();
      const { events } = runTick(state, 'BTCUSD', bid, ask, {}, NOW + 1_000);
      if (reason === null) {
        expect(events).toEqual([]);
        expect(state.positions.get(ORDER)).toMatchObject({
          takeProfit: takeProfit === null ? null : f(takeProfit),
          stopLoss: stopLoss === null ? null : f(stopLoss),
        });
      } else {
        expect(events.map((e) => e.data)).toMatchObject([{ orderId: ORDER, reason, closePrice: bid.replace(/\.00$/, ''), profit, balance, takeProfit, stopLoss }]);
      }
    });

    it.each<[string | null, string | null]>([
      ['42000.00', '41000'], // TP = bid: would close at once
      ['41999.99', null], // TP below the bid
      [null, '42000.00'], // SL = bid
      ['43000', '42000.01'], // SL above the bid
    ])('TP %s / SL %s records INVALID_STOPS (it would trigger at once)', (takeProfit, stopLoss) => {
      given(history())
        .when(modifyPosition(ORDER, takeProfit, stopLoss), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_INVALID_STOPS', 'STOPS_WOULD_TRIGGER', { command: 'ModifyPosition', quote: used('42000', '42000.5') })]);
    });

    it('records INVALID_STOPS for a level with 3 decimals, before any price', () => {
      given(history())
        .when(modifyPosition(ORDER, '43000.001', '41000'), pricesAt({}))
        .then([rejected('TRADE_RETCODE_INVALID_STOPS', 'INVALID_LEVEL', { command: 'ModifyPosition' })]);
    });

    it('records NO_CHANGES for the same levels (43000.00 is 43000)', () => {
      given(history())
        .when(modifyPosition(ORDER, '43000.00', '41000'), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_NO_CHANGES', 'NOTHING_TO_CHANGE', { command: 'ModifyPosition' })])
        .thenOutcome({ code: 'TRADE_RETCODE_NO_CHANGES' });
    });

    it('records PRICE_OFF on a stale price, TIMEOUT past the deadline', () => {
      given(history())
        .when(modifyPosition(ORDER, '43500', '41000'), pricesAt(BTC, NOW - 30_001))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE', { command: 'ModifyPosition' })]);
      given(history())
        .when(modifyPosition(ORDER, '43500', '41000', { deadline: NOW - 1 }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED', { command: 'ModifyPosition' })]);
    });

    it("refuses another user's position, and an unknown one, as POSITION_CLOSED with no events", () => {
      given([...history(), ...bob()]).when(modifyPosition(ORDER, '43500', null, { userId: BOB }), pricesAt(BTC)).then([]).thenOutcome({ reason: 'POSITION_NOT_FOUND' });
      given(history()).when(modifyPosition(1_000_099, '43500', null), pricesAt(BTC)).then([]).thenOutcome({ code: 'TRADE_RETCODE_POSITION_CLOSED' });
    });
  });

  describe('a SELL 1 EURUSD at 1.08500; market 1.08500 / 1.08510 (a SELL closes at the ask)', () => {
    const history = () => [...ann(), opened({ orderId: ORDER, symbol: 'EURUSD', side: 'SELL', openPrice: '1.085', leverage: 100, margin: '1085' })];

    it.each<[string | null, string | null, boolean]>([
      ['1.08509', null, true], // TP below the ask
      ['1.08510', null, false], // TP = ask
      [null, '1.08511', true], // SL above the ask
      [null, '1.08510', false], // SL = ask
      [null, '1.08505', false], // SL between bid and ask: below the ask
    ])('TP %s / SL %s: accepted %s', (takeProfit, stopLoss, accepted) => {
      const { outcome } = given(history()).when(modifyPosition(ORDER, takeProfit, stopLoss), pricesAt({ EURUSD: ['1.08500', '1.08510'] })).decision;
      expect(outcome.code).toBe(accepted ? 'TRADE_RETCODE_DONE' : 'TRADE_RETCODE_INVALID_STOPS');
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ClosePositionsBySymbol
// ---------------------------------------------------------------------------------------------

describe('ClosePositionsBySymbol', () => {
  describe('an account with 10000 USD: BUY 1 BTCUSD at 42000.50, SELL 0.5 BTCUSD at 42000.00, BUY 1 EURUSD at 1.08510', () => {
    const history = () => [
      ...ann(),
      opened({ orderId: 1_000_001 }), // margin 4200.05
      opened({ orderId: 1_000_002, side: 'SELL', volume: '0.5', openPrice: '42000', margin: '2100' }), // 0.5 × 42000 / 10
      opened({ orderId: 1_000_003, symbol: 'EURUSD', openPrice: '1.0851', leverage: 100, margin: '1085.1' }), // 108510 / 100
    ];
    const market = { BTCUSD: ['42500.00', '42500.50'] as [string, string], EURUSD: ['1.08500', '1.08510'] as [string, string] };

    it('tags every close with the request\'s clientId and comment', () => {
      const { decision } = given(history()).when(closeBySymbol('BTCUSD', { clientId: 'flat', comment: 'eod' }), pricesAt(market));
      expect(decision.events.map((e) => (e.type === 'PositionClosed' ? [e.data.orderId, e.data.clientId, e.data.comment] : e.type))).toEqual([
        [1_000_001, 'flat', 'eod'],
        [1_000_002, 'flat', 'eod'],
      ]);
    });

    it('closes both BTCUSD positions at 42500.00 / 42500.50, in id order, the balance accumulating; EURUSD stays', () => {
      const state = given(history())
        .when(closeBySymbol('BTCUSD'), pricesAt(market))
        .then([
          // BUY at the bid: (42500.00 − 42000.50) × 1 = +499.50 → 10499.50
          closed({ orderId: 1_000_001, closePrice: '42500', profit: '499.5', balance: '10499.5' }),
          // SELL at the ask: (42000.00 − 42500.50) × 0.5 = −250.25 → 10249.25
          closed({
            orderId: 1_000_002,
            side: 'SELL',
            volume: '0.5',
            openPrice: '42000',
            marginReleased: '2100',
            closePrice: '42500.5',
            profit: '-250.25',
            balance: '10249.25',
          }),
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', accountId: ANN_ACCOUNT, orderId: 1_000_002 })
        .state();
      expect([...state.positions.keys()]).toEqual([1_000_003]);
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: f('10249.25'), margin: f('1085.1') });

      // Then EURUSD: BUY at the bid (1.08500 − 1.08510) × 100000 = −10.00 → 10239.25, no margin left.
      run(state, closeBySymbol('EURUSD'), pricesAt(market));
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: f('10239.25'), margin: 0n, positionIds: new Set() });
    });

    it('refuses a symbol without positions (ETHUSD) with no events', () => {
      given(history()).when(closeBySymbol('ETHUSD'), pricesAt(market)).then([]).thenOutcome({ code: 'TRADE_RETCODE_POSITION_CLOSED', reason: 'NO_POSITIONS_ON_SYMBOL' });
    });

    it('records an unknown symbol as INVALID, and a stale price as PRICE_OFF', () => {
      given(history())
        .when(closeBySymbol('DOGEUSD'), pricesAt(market))
        .then([rejected('TRADE_RETCODE_INVALID', 'UNKNOWN_SYMBOL', { command: 'ClosePositionsBySymbol' })]);
      given(history())
        .when(closeBySymbol('BTCUSD'), pricesAt(market, NOW - 30_001))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE', { command: 'ClosePositionsBySymbol' })]);
    });

    it("refuses another user's account with no events", () => {
      given([...history(), ...bob()]).when(closeBySymbol('BTCUSD', { userId: BOB }), pricesAt(market)).then([]).thenOutcome({ reason: 'ACCOUNT_NOT_FOUND' });
    });
  });

  describe('an account with 1000 USD and a BUY 1 BTCUSD at 42000.50 (1:100, margin 420.01), bid now 40000.00', () => {
    it('closes at a loss of 2000.50 beyond the balance and writes off the 1000.50 left below zero', () => {
      const state = given([...ann('1000'), opened({ orderId: ORDER, leverage: 100, margin: '420.01', balance: '1000' })])
        .when(closeBySymbol('BTCUSD'), pricesAt({ BTCUSD: ['40000.00', '40000.50'] }))
        .then([
          // (40000.00 − 42000.50) × 1 = −2000.50 → 1000 − 2000.50 = −1000.50
          closed({ leverage: 100, marginReleased: '420.01', closePrice: '40000', profit: '-2000.5', balance: '-1000.5', quote: used('40000', '40000.5') }),
          { type: 'BalanceWrittenOff', data: { accountId: ANN_ACCOUNT, amount: '1000.5', balance: '0', at: AT } },
        ])
        .state();
      expect(state.accounts.get(ANN_ACCOUNT)!.balance).toBe(0n); // 1000 − 2000.50 + 1000.50
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Partial closes
// ---------------------------------------------------------------------------------------------

describe('partial closes', () => {
  describe('an account with 10000 USD and a BUY 1 EURUSD at 1.08510 (1:100, margin 1085.10); bid 1.08610', () => {
    const market = pricesAt({ EURUSD: ['1.08610', '1.08620'] });
    const eur = { symbol: 'EURUSD', openPrice: '1.0851', leverage: 100, quote: used('1.0861', '1.0862') };

    it('closes 0.33, 0.33 and the 0.34 left: each profit exact, and the three margin releases add up to 1085.10', () => {
      const state = given([...ann(), opened({ orderId: ORDER, symbol: 'EURUSD', openPrice: '1.0851', leverage: 100, margin: '1085.1' })]).state;

      // (1.08610 − 1.08510) × 0.33 × 100000 = 33.00; margin 1085.10 × 0.33 / 1 = 358.083 → 358.08
      expect(run(state, closePosition(ORDER, '0.33'), market).events).toEqual([
        closed({ ...eur, volume: '0.33', remainingVolume: '0.67', closePrice: '1.0861', profit: '33', marginReleased: '358.08', balance: '10033', reason: 'PARTIAL' }),
      ]);
      expect(state.positions.get(ORDER)).toMatchObject({ volume: f('0.67'), margin: f('727.02') }); // 1085.10 − 358.08

      // 0.33 × 100 = 33.00; margin 727.02 × 0.33 / 0.67 = 358.0844… → 358.08
      expect(run(state, closePosition(ORDER, '0.33'), market).events).toEqual([
        closed({ ...eur, volume: '0.33', remainingVolume: '0.34', closePrice: '1.0861', profit: '33', marginReleased: '358.08', balance: '10066', reason: 'PARTIAL' }),
      ]);
      expect(state.positions.get(ORDER)).toMatchObject({ volume: f('0.34'), margin: f('368.94') }); // 727.02 − 358.08

      // The rest: 0.34 × 100 = 34.00, and all the margin still held, 368.94 (358.08 + 358.08 + 368.94 = 1085.10).
      expect(run(state, closePosition(ORDER), market).events).toEqual([
        closed({ ...eur, volume: '0.34', remainingVolume: '0', closePrice: '1.0861', profit: '34', marginReleased: '368.94', balance: '10100', reason: 'MANUAL' }),
      ]);
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: f('10100'), margin: 0n, positionIds: new Set() });
      expect(state.positions.size).toBe(0);
    });
  });

  describe('an account with 10000 USD and a BUY 0.07 BTCUSD at 42000.50 (1:100, margin 29.40)', () => {
    it('closes 0.03 at 42123.45 (+3.69) and 0.04 at 41876.55 (−4.96), each rounded to the cent: balance 9998.73', () => {
      const state = given([...ann(), opened({ orderId: ORDER, volume: '0.07', leverage: 100, margin: '29.4' })]).state; // 0.07 × 42000.50 / 100 = 29.40035

      const first = run(state, closePosition(ORDER, '0.03'), pricesAt({ BTCUSD: ['42123.45', '42123.95'] }));
      // (42123.45 − 42000.50) × 0.03 = 122.95 × 0.03 = 3.6885 → 3.69; margin 29.40 × 3 / 7 = 12.60
      expect((first.events[0] as PositionClosed).data).toMatchObject({ volume: '0.03', remainingVolume: '0.04', profit: '3.69', marginReleased: '12.6', balance: '10003.69' });

      const second = run(state, closePosition(ORDER, '0.04'), pricesAt({ BTCUSD: ['41876.55', '41877.05'] }));
      // (41876.55 − 42000.50) × 0.04 = −123.95 × 0.04 = −4.958 → −4.96; the margin left, 29.40 − 12.60 = 16.80
      expect((second.events[0] as PositionClosed).data).toMatchObject({ volume: '0.04', remainingVolume: '0', reason: 'MANUAL', profit: '-4.96', marginReleased: '16.8', balance: '9998.73' });
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: f('9998.73'), margin: 0n }); // 10000 + 3.69 − 4.96
    });
  });
});
