import type { DefineGroup, DomainEvent, GroupDefined, PositionOpened } from '../index.js';
import { given } from '../testing/decider-spec.js';
import {
  ann,
  ANN_ACCOUNT,
  AT,
  changeGroup,
  closePosition,
  defineGroup,
  f,
  groupDefined,
  marketOrder,
  movedToGroup,
  opened,
  pendingOrder,
  placed,
  pricesAt,
  rejected,
  run,
  tick,
  used,
} from '../testing/trading-fixtures.js';

const EUR = { EURUSD: ['1.08500', '1.08510'] as [string, string] };
const EUR_AND_BTC = { ...EUR, BTCUSD: ['42000.00', '42000.50'] as [string, string] };

/** Ann's 10000 USD account moved into a group defined with these conditions. */
const inGroup = (group: Partial<GroupDefined['data']>, balance = '10000'): DomainEvent[] => {
  const defined = groupDefined({ name: 'pro', ...group });
  return [...ann(balance), defined, movedToGroup('pro', defined.data.leverage)];
};

// ---------------------------------------------------------------------------------------------
// DefineGroup and ChangeAccountGroup
// ---------------------------------------------------------------------------------------------

describe('DefineGroup', () => {
  describe('an engine with only the demo group', () => {
    it('defines "pro": symbols deduplicated and sorted, the largest per-order leverage defaulting to 1:1000', () => {
      const state = given([])
        .when(
          defineGroup({
            name: 'pro',
            leverage: 200,
            marginCallPercent: '80',
            stopOutPercent: '30.50',
            commissionPerLot: '7.00',
            symbols: ['EURUSD', 'BTCUSD', 'EURUSD'],
            hedging: false,
          }),
          pricesAt({}),
        )
        .then([
          {
            type: 'GroupDefined',
            data: {
              name: 'pro',
              leverage: 200,
              maxLeverage: 1000,
              marginCallPercent: '80',
              stopOutPercent: '30.5',
              commissionPerLot: '7',
              symbols: ['BTCUSD', 'EURUSD'],
              hedging: false,
              definedAt: AT,
            },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE' })
        .state();
      expect(state.groups.get('pro')).toEqual({
        name: 'pro',
        leverage: 200,
        maxLeverage: 1000,
        marginCallPercent: f('80'),
        stopOutPercent: f('30.5'),
        commissionPerLot: f('7'),
        symbols: new Set(['BTCUSD', 'EURUSD']),
        hedging: false,
      });
    });

    it('takes the account leverage as the largest when it is above 1:1000 (1:2000)', () => {
      const { events } = given([]).when(defineGroup({ name: 'high', leverage: 2000 }), pricesAt({})).decision;
      expect((events[0] as GroupDefined).data).toMatchObject({ leverage: 2000, maxLeverage: 2000 });
    });

    it.each<[string, Partial<DefineGroup>, string]>([
      ['a space in the name', { name: 'pro group' }, 'INVALID_GROUP_NAME'],
      ['an empty name', { name: '' }, 'INVALID_GROUP_NAME'],
      ['a 65-character name', { name: 'g'.repeat(65) }, 'INVALID_GROUP_NAME'],
      ['leverage 0', { leverage: 0 }, 'INVALID_LEVERAGE'],
      ['leverage 1.5', { leverage: 1.5 }, 'INVALID_LEVERAGE'],
      ['a largest leverage below the account leverage (100 < 200)', { leverage: 200, maxLeverage: 100 }, 'INVALID_LEVERAGE'],
      ['a fractional largest leverage', { maxLeverage: 250.5 }, 'INVALID_LEVERAGE'],
      ['stop-out 50 above margin call 30', { marginCallPercent: '30', stopOutPercent: '50' }, 'STOP_OUT_ABOVE_MARGIN_CALL'],
      ['a negative stop-out', { stopOutPercent: '-1' }, 'STOP_OUT_ABOVE_MARGIN_CALL'],
      ['a negative commission', { commissionPerLot: '-1' }, 'INVALID_COMMISSION'],
      ['a commission below the cent (0.001)', { commissionPerLot: '0.001' }, 'INVALID_COMMISSION'],
      ['a commission that is no number', { commissionPerLot: 'seven' }, 'INVALID_NUMBER'],
      ['a percent in exponent form', { marginCallPercent: '1e2' }, 'INVALID_NUMBER'],
      ['an unknown symbol', { symbols: ['BTCUSD', 'DOGEUSD'] }, 'UNKNOWN_SYMBOL'],
    ])('refuses %s with no events', (_, overrides, reason) => {
      given([])
        .when(defineGroup({ name: 'pro', ...overrides }), pricesAt({}))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason });
    });

    it('accepts stop-out equal to margin call (both 100)', () => {
      given([]).when(defineGroup({ name: 'flat', marginCallPercent: '100', stopOutPercent: '100' }), pricesAt({})).thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });
  });
});

describe('ChangeAccountGroup', () => {
  describe('an account in demo (1:100) and a group "pro" at 1:200', () => {
    const history = () => [...ann(), groupDefined({ name: 'pro', leverage: 200 })];

    it('moves the account: it takes the group and its leverage 1:200', () => {
      const state = given(history())
        .when(changeGroup('pro'), pricesAt({}))
        .then([{ type: 'AccountGroupChanged', data: { accountId: ANN_ACCOUNT, group: 'pro', leverage: 200, changedAt: AT } }])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', accountId: ANN_ACCOUNT })
        .state();
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ group: 'pro', leverage: 200 });
    });

    it.each<[string, number, string, string]>([
      ['vip', ANN_ACCOUNT, 'TRADE_RETCODE_INVALID', 'GROUP_NOT_FOUND'],
      ['demo', ANN_ACCOUNT, 'TRADE_RETCODE_NO_CHANGES', 'ALREADY_IN_GROUP'],
      ['pro', 100_099, 'TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND'],
    ])('refuses group %s for account %d as %s with no events', (group, accountId, code, reason) => {
      given(history()).when(changeGroup(group, accountId), pricesAt({})).then([]).thenOutcome({ code: code as 'TRADE_RETCODE_INVALID', reason });
    });

    it("opens orders at the group's leverage when none is given: EURUSD 1:200 (margin 108510 / 200 = 542.55), BTCUSD capped at its 1:100", () => {
      const state = given(history()).when(changeGroup('pro'), pricesAt({})).state();
      const eur = run(state, marketOrder({ symbol: 'EURUSD', leverage: null }), pricesAt(EUR_AND_BTC));
      expect((eur.events[0] as PositionOpened).data).toMatchObject({ leverage: 200, margin: '542.55' });
      const btc = run(state, marketOrder({ leverage: null }), pricesAt(EUR_AND_BTC));
      expect((btc.events[0] as PositionOpened).data).toMatchObject({ leverage: 100, margin: '420.01' }); // 42000.50 / 100 = 420.005
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Commission
// ---------------------------------------------------------------------------------------------

describe('commission per lot, charged when a position opens', () => {
  describe('an account with 10000 USD in a group charging a commission; EURUSD 1.08500 / 1.08510', () => {
    it('charges 7 USD/lot × 0.5 lot = 3.50 on a market BUY: balance 9996.50', () => {
      given(inGroup({ commissionPerLot: '7' }))
        .when(marketOrder({ symbol: 'EURUSD', volume: '0.5', leverage: 100 }), pricesAt(EUR))
        .then([
          {
            type: 'PositionOpened',
            data: {
              accountId: ANN_ACCOUNT,
              orderId: 1_000_001,
              symbol: 'EURUSD',
              side: 'BUY',
              volume: '0.5',
              openPrice: '1.0851',
              leverage: 100,
              margin: '542.55', // 0.5 × 100000 × 1.08510 / 100
              takeProfit: null,
              stopLoss: null,
              openTime: AT,
              orderType: 'MARKET',
              commission: '3.5',
              balance: '9996.5', // 10000 − 3.50
              quote: used('1.085', '1.0851'),
              clientId: null,
              comment: null,
              magic: null,
            },
          },
        ]);
    });

    it.each<[string, string, string, string]>([
      ['7', '0.33', '2.31', '9997.69'], // 7 × 0.33
      ['7', '0.01', '0.07', '9999.93'],
      ['2.25', '0.03', '0.07', '9999.93'], // 2.25 × 0.03 = 0.0675 → 0.07
      ['2.25', '0.02', '0.05', '9999.95'], // 0.045 → 0.05 (a half rounds up)
      ['3.33', '3', '9.99', '9990.01'],
      ['0', '1', '0', '10000'],
    ])('at %s USD/lot, %s lot pays %s: balance %s', (commissionPerLot, volume, commission, balance) => {
      const state = given(inGroup({ commissionPerLot })).state;
      const { events } = run(state, marketOrder({ symbol: 'EURUSD', volume, leverage: 100 }), pricesAt(EUR));
      expect((events[0] as PositionOpened).data).toMatchObject({ commission, balance });
      expect(state.accounts.get(ANN_ACCOUNT)!.balance).toBe(f(balance));
    });

    it('is not refunded on close: BUY 0.5 opened and closed at once loses 3.50 + the spread 5.00 = 8.50', () => {
      const state = given(inGroup({ commissionPerLot: '7' })).state;
      run(state, marketOrder({ symbol: 'EURUSD', volume: '0.5', leverage: 100 }), pricesAt(EUR));
      // Closed at the bid: (1.08500 − 1.08510) × 0.5 × 100000 = −5.00 → 9996.50 − 5.00 = 9991.50
      const close = run(state, closePosition(1_000_001), pricesAt(EUR));
      expect(close.outcome).toMatchObject({ profit: '-5' });
      expect(state.accounts.get(ANN_ACCOUNT)!.balance).toBe(f('9991.5'));
    });

    it('must be covered by the free margin too: 1085.10 margin + 7.00 commission on a balance of exactly 1092.10 fills', () => {
      const state = given(inGroup({ commissionPerLot: '7' }, '1092.10')).state;
      const { events } = run(state, marketOrder({ symbol: 'EURUSD', leverage: 100 }), pricesAt(EUR));
      expect((events[0] as PositionOpened).data).toMatchObject({ margin: '1085.1', commission: '7', balance: '1085.1' }); // 1092.10 − 7.00
    });

    it('records NO_MONEY one cent short (1092.09)', () => {
      given(inGroup({ commissionPerLot: '7' }, '1092.09'))
        .when(marketOrder({ symbol: 'EURUSD', leverage: 100 }), pricesAt(EUR))
        .then([rejected('TRADE_RETCODE_NO_MONEY', 'INSUFFICIENT_FREE_MARGIN', { quote: used('1.085', '1.0851') })]);
    });

    it('is charged when a pending order fills, not when it is placed: BUY_LIMIT 0.5 at 1.08400 → 3.50', () => {
      const history = [...inGroup({ commissionPerLot: '7' }), placed({ orderId: 1_000_001, symbol: 'EURUSD', orderType: 'BUY_LIMIT', price: '1.084', volume: '0.5', leverage: 100 })];
      const { command, ctx } = tick('EURUSD', '1.08390', '1.08400');
      const { events } = given(history).when(command, ctx).decision;
      // margin 0.5 × 100000 × 1.08400 / 100 = 542.00
      expect(events.map((e) => e.data)).toMatchObject([{ orderId: 1_000_001, orderType: 'BUY_LIMIT', margin: '542', commission: '3.5', balance: '9996.5' }]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Symbols, hedging and leverage of a group
// ---------------------------------------------------------------------------------------------

describe('a group trading only EURUSD and GBPUSD', () => {
  const history = () => inGroup({ symbols: ['EURUSD', 'GBPUSD'] });

  it('records BTCUSD as TRADE_DISABLED, for a market and for a pending order', () => {
    given(history())
      .when(marketOrder(), pricesAt(EUR_AND_BTC))
      .then([rejected('TRADE_RETCODE_TRADE_DISABLED', 'SYMBOL_NOT_IN_GROUP')]);
    given(history())
      .when(pendingOrder({ orderType: 'BUY_LIMIT', price: '41000' }), pricesAt(EUR_AND_BTC))
      .then([rejected('TRADE_RETCODE_TRADE_DISABLED', 'SYMBOL_NOT_IN_GROUP', { command: 'PlacePendingOrder' })]);
  });

  it('fills EURUSD', () => {
    given(history()).when(marketOrder({ symbol: 'EURUSD', leverage: 100 }), pricesAt(EUR_AND_BTC)).thenOutcome({ code: 'TRADE_RETCODE_DONE' });
  });
});

describe('a group without hedging, with a BUY 1 EURUSD open', () => {
  const history = (hedging: boolean) => [
    ...inGroup({ hedging }),
    opened({ orderId: 1_000_001, symbol: 'EURUSD', openPrice: '1.0851', leverage: 100, margin: '1085.1' }),
  ];

  it.each<[string, Parameters<typeof marketOrder>[0], string]>([
    ['a SELL EURUSD', { symbol: 'EURUSD', side: 'SELL', leverage: 100 }, 'TRADE_RETCODE_HEDGE_PROHIBITED'],
    ['another BUY EURUSD', { symbol: 'EURUSD', side: 'BUY', leverage: 100 }, 'TRADE_RETCODE_DONE'],
    ['a SELL BTCUSD', { symbol: 'BTCUSD', side: 'SELL', leverage: 100 }, 'TRADE_RETCODE_DONE'],
  ])('%s: %s', (_, order, code) => {
    given(history(false)).when(marketOrder(order), pricesAt(EUR_AND_BTC)).thenOutcome({ code: code as 'TRADE_RETCODE_DONE' });
  });

  it('records HEDGE_PROHIBITED with its reason, and for a pending SELL_LIMIT EURUSD too', () => {
    given(history(false))
      .when(marketOrder({ symbol: 'EURUSD', side: 'SELL', leverage: 100 }), pricesAt(EUR))
      .then([rejected('TRADE_RETCODE_HEDGE_PROHIBITED', 'HEDGING_NOT_ALLOWED')]);
    given(history(false))
      .when(pendingOrder({ symbol: 'EURUSD', orderType: 'SELL_LIMIT', price: '1.09', leverage: 100 }), pricesAt(EUR))
      .then([rejected('TRADE_RETCODE_HEDGE_PROHIBITED', 'HEDGING_NOT_ALLOWED', { command: 'PlacePendingOrder' })]);
  });

  it('a group with hedging fills the SELL EURUSD', () => {
    given(history(true)).when(marketOrder({ symbol: 'EURUSD', side: 'SELL', leverage: 100 }), pricesAt(EUR)).thenOutcome({ code: 'TRADE_RETCODE_DONE' });
  });
});

describe('a group at 1:20 allowing at most 1:50 per order; EURUSD ask 1.08510', () => {
  const history = () => inGroup({ leverage: 20, maxLeverage: 50 });

  it.each<[number | null, string | null]>([
    [null, '5425.5'], // the account's 1:20: 108510 / 20
    [50, '2170.2'], // 108510 / 50
    [1, null], // 108510 / 1 > 10000: NO_MONEY, but a valid leverage
  ])('leverage %s holds margin %s', (leverage, margin) => {
    const { events, outcome } = given(history()).when(marketOrder({ symbol: 'EURUSD', leverage }), pricesAt(EUR)).decision;
    if (margin === null) expect(outcome.code).toBe('TRADE_RETCODE_NO_MONEY');
    else expect((events[0] as PositionOpened).data.margin).toBe(margin);
  });

  it.each([51, 100, 500])('records leverage 1:%d as INVALID_LEVERAGE (EURUSD itself allows 1:500)', (leverage) => {
    given(history())
      .when(marketOrder({ symbol: 'EURUSD', leverage }), pricesAt(EUR))
      .then([rejected('TRADE_RETCODE_INVALID', 'INVALID_LEVERAGE')]);
  });
});

// ---------------------------------------------------------------------------------------------
// The group's own risk levels
// ---------------------------------------------------------------------------------------------

describe("an account with 1000 USD and a BUY 1 BTCUSD at 42000.50 (1:100, margin 420.01): the group's levels apply", () => {
  // Equity = 1000 + (bid − 42000.50); level = equity / 420.01 × 100.
  const history = (group: Partial<GroupDefined['data']> | null) => [
    ...(group === null ? ann('1000') : inGroup(group, '1000')),
    opened({ orderId: 1_000_001, leverage: 100, margin: '420.01', balance: '1000' }),
  ];
  const strict = { marginCallPercent: '150', stopOutPercent: '100' };

  it.each<[string, Partial<GroupDefined['data']> | null, string, string[]]>([
    // bid 41600: equity 599.50, level 142.734… → 142.73 %
    ['demo (100 / 50)', null, '41600.00', []],
    ['strict (150 / 100)', strict, '41600.00', ['MarginCallTriggered']],
    // bid 41420: equity 419.50, level 99.878… → 99.88 %
    ['demo (100 / 50)', null, '41420.00', ['MarginCallTriggered']],
    ['strict (150 / 100)', strict, '41420.00', ['MarginCallTriggered', 'PositionClosed', 'MarginCallCleared']],
  ])('in %s, a tick at bid %s records %j', (_, group, bid, types) => {
    const ask = (Number(bid) + 0.5).toFixed(2);
    const { command, ctx } = tick('BTCUSD', bid, ask);
    const { events } = given(history(group)).when(command, ctx).decision;
    expect(events.map((e) => e.type)).toEqual(types);
    if (types.includes('PositionClosed')) {
      expect(events[1]!.data).toMatchObject({ reason: 'STOP_OUT', closePrice: '41420', profit: '-580.5', balance: '419.5' });
    }
  });
});
