import { type DomainEvent, type ExpirationType, type OrderPlaced, type PendingOrderType, type PositionOpened } from '../index.js';
import { given } from '../testing/decider-spec.js';
import {
  advanceClock,
  ann,
  ANN_ACCOUNT,
  AT,
  bob,
  BOB,
  cancelOrder,
  f,
  iso,
  modifyOrder,
  NOW,
  placed,
  pendingOrder,
  pricesAt,
  rejected,
  run,
  runTick,
  tick,
  used,
} from '../testing/trading-fixtures.js';

const BTC = { BTCUSD: ['42000.00', '42000.50'] as [string, string] };
const MARKET_QUOTE = used('42000', '42000.5');
const ORDER = 1_000_001;

/** The position a BTCUSD pending order of 1 lot at 1:10 opens on a tick at NOW, on a 10000 balance. */
function filled(orderType: PendingOrderType, openPrice: string, margin: string, bid: string, ask: string, extra: Partial<PositionOpened['data']> = {}): PositionOpened {
  return {
    type: 'PositionOpened',
    data: {
      accountId: ANN_ACCOUNT,
      orderId: ORDER,
      symbol: 'BTCUSD',
      side: orderType.startsWith('BUY') ? 'BUY' : 'SELL',
      volume: '1',
      openPrice,
      leverage: 10,
      margin,
      takeProfit: null,
      stopLoss: null,
      openTime: AT,
      orderType,
      commission: '0', // demo group
      balance: '10000', // unchanged by a zero commission
      quote: used(bid, ask, AT),
      clientId: null,
      comment: null,
      magic: null,
      ...extra,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Placement
// ---------------------------------------------------------------------------------------------

describe('PlacePendingOrder', () => {
  describe('an account with 10000 USD, BTCUSD 42000.00 / 42000.50', () => {
    it('places a BUY_LIMIT with every field recorded and no margin held while it waits', () => {
      const spec = given(ann())
        .when(
          pendingOrder({
            orderType: 'BUY_LIMIT',
            price: '41900.00',
            volume: '0.50',
            leverage: 100,
            takeProfit: '43000',
            stopLoss: '41000',
            clientId: 'c-1',
            comment: 'dip',
            magic: 7,
          }),
          pricesAt(BTC),
        )
        .then([
          {
            type: 'OrderPlaced',
            data: {
              accountId: ANN_ACCOUNT,
              orderId: ORDER,
              symbol: 'BTCUSD',
              orderType: 'BUY_LIMIT',
              side: 'BUY',
              volume: '0.5',
              price: '41900',
              stopLimitPrice: null,
              leverage: 100,
              takeProfit: '43000',
              stopLoss: '41000',
              expiration: { type: 'GTC', at: null },
              placedAt: AT,
              clientId: 'c-1',
              comment: 'dip',
              magic: 7,
            },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', accountId: ANN_ACCOUNT, orderId: ORDER, price: '41900', volume: '0.5' });
      const state = spec.state();
      expect(state.orders.get(ORDER)).toMatchObject({ orderType: 'BUY_LIMIT', side: 'BUY', price: f('41900'), volume: f('0.5') });
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: f('10000'), margin: 0n, orderIds: new Set([ORDER]) });
      expect(state.positions.size).toBe(0);
    });

    it('places a SELL_STOP_LIMIT with its stop-limit price', () => {
      const { events } = given(ann()).when(pendingOrder({ orderType: 'SELL_STOP_LIMIT', price: '41900', stopLimitPrice: '41950.00' }), pricesAt(BTC)).decision;
      expect((events[0] as OrderPlaced).data).toMatchObject({ orderType: 'SELL_STOP_LIMIT', side: 'SELL', price: '41900', stopLimitPrice: '41950' });
    });

    // Buy limits rest below the ask, buy stops above it; sell limits above the bid, sell stops below it.
    // A stop-limit's limit lies on the near side of its stop (a buy's at or below, a sell's at or above).
    it.each<[PendingOrderType, string, string | null, boolean]>([
      ['BUY_LIMIT', '42000.49', null, true], // a cent below the ask
      ['BUY_LIMIT', '42000.50', null, false], // = ask: would fill at once
      ['BUY_LIMIT', '42100', null, false], // above the market
      ['SELL_LIMIT', '42000.01', null, true], // a cent above the bid
      ['SELL_LIMIT', '42000.00', null, false], // = bid
      ['SELL_LIMIT', '41900', null, false],
      ['BUY_STOP', '42000.51', null, true], // a cent above the ask
      ['BUY_STOP', '42000.50', null, false], // = ask
      ['BUY_STOP', '41900', null, false], // below the market
      ['SELL_STOP', '41999.99', null, true], // a cent below the bid
      ['SELL_STOP', '42000.00', null, false], // = bid
      ['SELL_STOP', '42100', null, false],
      ['BUY_STOP_LIMIT', '42100', '42050', true], // limit below the stop
      ['BUY_STOP_LIMIT', '42100', '42100', true], // limit at the stop
      ['BUY_STOP_LIMIT', '42100', '42100.01', false], // limit above the stop
      ['BUY_STOP_LIMIT', '42000.50', '42000', false], // stop = ask
      ['SELL_STOP_LIMIT', '41900', '41950', true], // limit above the stop
      ['SELL_STOP_LIMIT', '41900', '41900', true],
      ['SELL_STOP_LIMIT', '41900', '41899.99', false], // limit below the stop
      ['SELL_STOP_LIMIT', '42000', '42050', false], // stop = bid
    ])('%s at %s (stop-limit %s): accepted %s', (orderType, price, stopLimitPrice, accepted) => {
      const decision = given(ann()).when(pendingOrder({ orderType, price, stopLimitPrice }), pricesAt(BTC)).decision;
      if (accepted) {
        expect(decision.outcome).toMatchObject({ code: 'TRADE_RETCODE_DONE', orderId: ORDER });
        expect(decision.events.map((e) => e.type)).toEqual(['OrderPlaced']);
      } else {
        expect(decision.events).toEqual([
          rejected('TRADE_RETCODE_INVALID_PRICE', 'ENTRY_ON_WRONG_SIDE_OF_MARKET', { command: 'PlacePendingOrder', quote: MARKET_QUOTE }),
        ]);
      }
    });

    it.each<[PendingOrderType, string, string | null, string]>([
      ['BUY_STOP_LIMIT', '42100', null, 'STOP_LIMIT_PRICE_MISMATCH'], // a stop-limit needs its limit
      ['BUY_LIMIT', '41900', '41850', 'STOP_LIMIT_PRICE_MISMATCH'], // others must not have one
      ['SELL_STOP', '41900', '41950', 'STOP_LIMIT_PRICE_MISMATCH'],
      ['BUY_LIMIT', '41900.001', null, 'INVALID_ENTRY_PRICE'], // 3 decimals on a 2-digit symbol
      ['BUY_LIMIT', '0', null, 'INVALID_ENTRY_PRICE'],
      ['BUY_LIMIT', 'low', null, 'INVALID_ENTRY_PRICE'],
      ['SELL_STOP_LIMIT', '41900', '41950.005', 'INVALID_ENTRY_PRICE'],
    ])('%s at %s (stop-limit %s) records INVALID_PRICE %s before looking at the market', (orderType, price, stopLimitPrice, reason) => {
      given(ann())
        .when(pendingOrder({ orderType, price, stopLimitPrice }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_INVALID_PRICE', reason, { command: 'PlacePendingOrder' })]);
    });

    // TP and SL are measured against the price the order means to fill at (the entry, or a
    // stop-limit's limit), not against the market: a BUY_LIMIT's TP may lie below today's bid.
    it.each<[PendingOrderType, string, string | null, string | null, string | null, boolean]>([
      ['BUY_LIMIT', '41900', null, '41900.01', null, true], // TP a cent above the entry
      ['BUY_LIMIT', '41900', null, '41950', '41800', true], // TP below the bid 42000, but above the entry
      ['BUY_LIMIT', '41900', null, '41900', null, false], // TP = entry
      ['BUY_LIMIT', '41900', null, null, '41900', false], // SL = entry
      ['BUY_LIMIT', '41900', null, null, '41899.99', true],
      ['SELL_LIMIT', '42100', null, '42099.99', '42100.01', true],
      ['SELL_LIMIT', '42100', null, null, '42050', false], // SL above the market, but below the entry
      ['SELL_LIMIT', '42100', null, '42100', null, false],
      ['BUY_STOP', '42100', null, '42100.01', '42099.99', true],
      ['BUY_STOP', '42100', null, '42050', null, false], // TP above the market, but below the entry
      ['SELL_STOP', '41900', null, '41899.99', '41950', true], // SL below the market, but above the entry
      ['SELL_STOP', '41900', null, null, '41900', false],
      ['BUY_STOP_LIMIT', '42100', '42050', '42075', '42049.99', true], // measured from the limit 42050
      ['BUY_STOP_LIMIT', '42100', '42050', null, '42050', false], // SL = limit
      ['BUY_STOP_LIMIT', '42100', '42050', '42050', null, false], // TP = limit, below the stop
      ['SELL_STOP_LIMIT', '41900', '41950', '41925', '41950.01', true], // measured from the limit 41950
      ['SELL_STOP_LIMIT', '41900', '41950', null, '41925', false], // SL below the limit
    ])('%s at %s (limit %s) with TP %s, SL %s: accepted %s', (orderType, price, stopLimitPrice, takeProfit, stopLoss, accepted) => {
      const decision = given(ann()).when(pendingOrder({ orderType, price, stopLimitPrice, takeProfit, stopLoss }), pricesAt(BTC)).decision;
      if (accepted) {
        expect(decision.outcome.code).toBe('TRADE_RETCODE_DONE');
      } else {
        expect(decision.events).toEqual([
          rejected('TRADE_RETCODE_INVALID_STOPS', 'STOPS_ON_WRONG_SIDE_OF_ENTRY', { command: 'PlacePendingOrder', quote: MARKET_QUOTE }),
        ]);
      }
    });

    it('checks the margin at the entry price: 1.21 lot BUY_LIMIT at 41000 at 1:5 needs 9922.00 (1.21 × 41000 / 5)', () => {
      given(ann()).when(pendingOrder({ orderType: 'BUY_LIMIT', price: '41000', volume: '1.21', leverage: 5 }), pricesAt(BTC)).thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });

    it('records NO_MONEY for 1.22 lot: 1.22 × 41000 / 5 = 10004.00 > 10000', () => {
      given(ann())
        .when(pendingOrder({ orderType: 'BUY_LIMIT', price: '41000', volume: '1.22', leverage: 5 }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_NO_MONEY', 'INSUFFICIENT_FREE_MARGIN', { command: 'PlacePendingOrder', quote: MARKET_QUOTE })]);
    });

    it("checks a stop-limit's margin at its limit: 1.15 × 42100 / 5 = 9683.00 (at the stop 44000 it would be 10120.00)", () => {
      given(ann())
        .when(pendingOrder({ orderType: 'BUY_STOP_LIMIT', price: '44000', stopLimitPrice: '42100', volume: '1.15', leverage: 5 }), pricesAt(BTC))
        .thenOutcome({ code: 'TRADE_RETCODE_DONE' });
    });

    it('records PRICE_OFF without a fresh quote, and TIMEOUT past the deadline', () => {
      given(ann())
        .when(pendingOrder({ orderType: 'BUY_LIMIT', price: '41900' }), pricesAt(BTC, NOW - 30_001))
        .then([rejected('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE', { command: 'PlacePendingOrder' })]);
      given(ann())
        .when(pendingOrder({ orderType: 'BUY_LIMIT', price: '41900', deadline: NOW - 1 }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED', { command: 'PlacePendingOrder' })]);
    });

    it("refuses another user's account with no events", () => {
      given([...ann(), ...bob()])
        .when(pendingOrder({ orderType: 'BUY_LIMIT', price: '41900', userId: BOB }), pricesAt(BTC))
        .then([])
        .thenOutcome({ reason: 'ACCOUNT_NOT_FOUND' });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Triggers and fills
// ---------------------------------------------------------------------------------------------

describe('a pending order of 1 BTCUSD at 1:10 on an account with 10000 USD', () => {
  // Buy orders watch the ask, sell orders the bid; a triggered order fills at the price that reached
  // it, so a gap fills at the gapped price. Margin = 1 × fill price / 10.
  it.each<[PendingOrderType, string, string, string, string | null, string | null]>([
    ['BUY_LIMIT', '41900', '41899.50', '41900.00', '41900', '4190'], // the ask reaches the limit
    ['BUY_LIMIT', '41900', '41900.00', '41900.50', null, null], // only the bid reaches it: no fill
    ['BUY_LIMIT', '41900', '41700.00', '41700.50', '41700.5', '4170.05'], // gap down: fills lower, at the ask
    ['SELL_LIMIT', '42100', '42100.00', '42100.50', '42100', '4210'], // the bid reaches the limit
    ['SELL_LIMIT', '42100', '42099.50', '42100.00', null, null], // only the ask reaches it: no fill
    ['SELL_LIMIT', '42100', '42300.00', '42300.50', '42300', '4230'], // gap up: fills higher, at the bid
    ['BUY_STOP', '42100', '42099.50', '42100.00', '42100', '4210'], // the ask reaches the stop, the bid is still below
    ['BUY_STOP', '42100', '42099.00', '42099.50', null, null],
    ['BUY_STOP', '42100', '42400.00', '42400.50', '42400.5', '4240.05'], // gap up: fills at the gapped ask
    ['SELL_STOP', '41900', '41900.00', '41900.50', '41900', '4190'], // the bid reaches the stop, the ask is still above
    ['SELL_STOP', '41900', '41900.50', '41901.00', null, null],
    ['SELL_STOP', '41900', '41500.00', '41500.50', '41500', '4150'], // gap down: fills at the gapped bid
  ])('%s at %s on a tick %s / %s fills at %s (margin %s)', (orderType, price, bid, ask, fillPrice, margin) => {
    const { command, ctx } = tick('BTCUSD', bid, ask);
    const spec = given([...ann(), placed({ orderId: ORDER, orderType, price })]).when(command, ctx);
    if (fillPrice === null) {
      spec.then([]);
      expect(spec.state().orders.has(ORDER)).toBe(true);
    } else {
      spec.then([filled(orderType, fillPrice, margin!, bid, ask)]);
      const state = spec.state();
      expect(state.orders.size).toBe(0);
      expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ margin: f(margin!), orderIds: new Set(), positionIds: new Set([ORDER]) });
    }
  });

  it('the position keeps the order id, levels and tags, and its take profit is armed', () => {
    const state = given([
      ...ann(),
      placed({ orderId: ORDER, orderType: 'BUY_LIMIT', price: '41900', takeProfit: '42500', stopLoss: '41000', clientId: 'c-9', comment: 'dip', magic: 42 }),
    ]).state;
    const fill = runTick(state, 'BTCUSD', '41899.50', '41900.00');
    expect((fill.events[0] as PositionOpened).data).toMatchObject({
      orderId: ORDER,
      orderType: 'BUY_LIMIT',
      openPrice: '41900',
      takeProfit: '42500',
      stopLoss: '41000',
      clientId: 'c-9',
      comment: 'dip',
      magic: 42,
    });
    // TP 42500 at the bid: (42500.00 − 41900.00) × 1 = +600.00
    const tp = runTick(state, 'BTCUSD', '42500.00', '42500.50', {}, NOW + 1_000);
    expect(tp.events.map((e) => e.data)).toMatchObject([{ orderId: ORDER, reason: 'TAKE_PROFIT', closePrice: '42500', profit: '600', balance: '10600' }]);
  });

  it('a BUY_LIMIT on AUDNZD stays armed while NZDUSD has no price, and fills once it has one (margin 664.34)', () => {
    const state = given([
      ...ann(),
      placed({ orderId: ORDER, symbol: 'AUDNZD', orderType: 'BUY_LIMIT', price: '1.089', leverage: 100 }),
    ]).state;
    expect(runTick(state, 'AUDNZD', '1.08890', '1.08900').events).toEqual([]);
    expect(state.orders.has(ORDER)).toBe(true);
    const fill = runTick(state, 'AUDNZD', '1.08890', '1.08900', { NZDUSD: ['0.61000', '0.61010'] }, NOW + 1_000);
    // 1 × 1.08900 × 100000 = 108900 NZD × NZDUSD mid 0.61005 = 66434.445 USD / 100 = 664.34445 → 664.34
    expect((fill.events[0] as PositionOpened).data).toMatchObject({ orderId: ORDER, openPrice: '1.089', margin: '664.34', orderType: 'BUY_LIMIT' });
  });
});

describe('a BUY_STOP_LIMIT 1 BTCUSD with stop 42100 and limit 42050, on 10000 USD', () => {
  const history = () => [...ann(), placed({ orderId: ORDER, orderType: 'BUY_STOP_LIMIT', price: '42100', stopLimitPrice: '42050' })];

  it('does nothing while only its limit price is reached (it is no limit order yet)', () => {
    const { command, ctx } = tick('BTCUSD', '42049.50', '42050.00');
    given(history()).when(command, ctx).then([]);
  });

  it('activates into a BUY_LIMIT at 42050 when the ask reaches the stop, then fills when the ask comes down to it', () => {
    const state = given(history()).state;
    // 1. The ask reaches the stop: the order becomes a limit, nothing fills on this tick.
    expect(runTick(state, 'BTCUSD', '42099.50', '42100.00').events).toEqual([
      {
        type: 'OrderActivated',
        data: { accountId: ANN_ACCOUNT, orderId: ORDER, orderType: 'BUY_LIMIT', price: '42050', activatedAt: AT, quote: used('42099.5', '42100', AT) },
      },
    ]);
    expect(state.orders.get(ORDER)).toMatchObject({ orderType: 'BUY_LIMIT', price: f('42050'), stopLimitPrice: null });
    expect(state.positions.size).toBe(0);
    // 2. The ask is still above the limit: nothing.
    expect(runTick(state, 'BTCUSD', '42060.00', '42060.50', {}, NOW + 1_000).events).toEqual([]);
    // 3. The ask reaches 42050.00: fills there, margin 1 × 42050 / 10 = 4205.00, same id.
    const fill = runTick(state, 'BTCUSD', '42049.50', '42050.00', {}, NOW + 2_000);
    expect(fill.events).toEqual([
      filled('BUY_LIMIT', '42050', '4205', '42049.5', '42050', { openTime: iso(NOW + 2_000), quote: used('42049.5', '42050', iso(NOW + 2_000)) }),
    ]);
    expect(state.orders.size).toBe(0);
    expect(state.positions.get(ORDER)).toMatchObject({ openPrice: f('42050'), margin: f('4205') });
  });
});

describe('a SELL_STOP_LIMIT 1 BTCUSD with stop 41900 and limit 41950, on 10000 USD', () => {
  it('activates into a SELL_LIMIT at 41950 when the bid reaches the stop, then fills when the bid rises to it', () => {
    const state = given([...ann(), placed({ orderId: ORDER, orderType: 'SELL_STOP_LIMIT', price: '41900', stopLimitPrice: '41950' })]).state;
    const activation = runTick(state, 'BTCUSD', '41900.00', '41900.50');
    expect(activation.events).toMatchObject([{ type: 'OrderActivated', data: { orderType: 'SELL_LIMIT', price: '41950' } }]);
    expect(runTick(state, 'BTCUSD', '41940.00', '41940.50', {}, NOW + 1_000).events).toEqual([]);
    // Bid 41950.00 reaches the limit: SELL fills at the bid, margin 41950 / 10 = 4195.00.
    const fill = runTick(state, 'BTCUSD', '41950.00', '41950.50', {}, NOW + 2_000);
    expect((fill.events[0] as PositionOpened).data).toMatchObject({ orderId: ORDER, side: 'SELL', orderType: 'SELL_LIMIT', openPrice: '41950', margin: '4195' });
  });
});

describe('margin re-checked at trigger time', () => {
  it('an account that withdrew 5000 since placing a BUY_LIMIT needing 8200.00 (41000 / 5) has the order cancelled NO_MONEY', () => {
    const history: DomainEvent[] = [
      ...ann(),
      placed({ orderId: ORDER, orderType: 'BUY_LIMIT', price: '41000', leverage: 5 }),
      { type: 'BalanceChanged', data: { accountId: ANN_ACCOUNT, kind: 'WITHDRAWAL', amount: '-5000', balance: '5000', comment: '', changedAt: AT } },
    ];
    const { command, ctx } = tick('BTCUSD', '40999.50', '41000.00');
    const state = given(history)
      .when(command, ctx)
      .then([
        {
          type: 'OrderCancelled',
          data: { accountId: ANN_ACCOUNT, orderId: ORDER, reason: 'NO_MONEY', cancelledAt: AT, quote: used('40999.5', '41000', AT) },
        },
      ])
      .state();
    expect(state.orders.size).toBe(0);
    expect(state.positions.size).toBe(0);
    expect(state.triggers.size()).toBe(0);
  });

  it('two BUY_LIMITs of 8200.00 each were both accepted (margin is not held); on one tick the first fills and the second is cancelled', () => {
    const setup = given(ann());
    expect(run(setup.state, pendingOrder({ orderType: 'BUY_LIMIT', price: '41000', leverage: 5 }), pricesAt(BTC)).outcome.code).toBe('TRADE_RETCODE_DONE');
    expect(run(setup.state, pendingOrder({ orderType: 'BUY_LIMIT', price: '41000', leverage: 5 }), pricesAt(BTC)).outcome).toMatchObject({
      code: 'TRADE_RETCODE_DONE',
      orderId: 1_000_002,
    });
    const { events } = runTick(setup.state, 'BTCUSD', '40999.50', '41000.00');
    // #1000001 fills at 41000.00, margin 8200.00. #1000002 then sees floating (40999.50 − 41000.00) × 1 = −0.50,
    // equity 9999.50, free margin 9999.50 − 8200.00 = 1799.50 < 8200.00: cancelled NO_MONEY.
    expect(events.map((e) => [e.type, e.data])).toMatchObject([
      ['PositionOpened', { orderId: 1_000_001, openPrice: '41000', margin: '8200', balance: '10000' }],
      ['OrderCancelled', { orderId: 1_000_002, reason: 'NO_MONEY' }],
    ]);
    // Level 9999.50 / 8200.00 × 100 = 121.95 %: above the margin call level, so nothing else.
    expect(events).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------
// Expiry
// ---------------------------------------------------------------------------------------------

describe('expiration at placement (now 2026-03-03T10:30Z)', () => {
  it.each<[ExpirationType, string | null, string | null]>([
    ['GTC', null, null],
    ['DAY', null, '2026-03-04T00:00:00.000Z'], // the end of the current UTC day
    ['SPECIFIED', '2026-03-03T12:00:00.000Z', '2026-03-03T12:00:00.000Z'],
    ['SPECIFIED', '2026-03-03T10:30:00.001Z', '2026-03-03T10:30:00.001Z'], // a millisecond after now
    ['SPECIFIED_DAY', '2026-03-05T08:15:00.000Z', '2026-03-06T00:00:00.000Z'], // the end of that day
    ['SPECIFIED_DAY', '2026-03-03T01:00:00.000Z', '2026-03-04T00:00:00.000Z'], // earlier today: the end of today
  ])('%s with time %s expires at %s', (type, time, at) => {
    const { events } = given(ann()).when(
      pendingOrder({ orderType: 'BUY_LIMIT', price: '41000', expiration: { type, time: time === null ? null : Date.parse(time) } }),
      pricesAt(BTC),
    ).decision;
    expect((events[0] as OrderPlaced).data.expiration).toEqual({ type, at });
  });

  it.each<[ExpirationType, string | null]>([
    ['SPECIFIED', '2026-03-03T10:30:00.000Z'], // = now
    ['SPECIFIED', '2026-03-03T09:00:00.000Z'],
    ['SPECIFIED', null],
    ['SPECIFIED_DAY', '2026-03-02T23:59:59.999Z'], // yesterday: its end (today 00:00) is past
    ['SPECIFIED_DAY', null],
  ])('%s with time %s records INVALID_EXPIRATION', (type, time) => {
    given(ann())
      .when(pendingOrder({ orderType: 'BUY_LIMIT', price: '41000', expiration: { type, time: time === null ? null : Date.parse(time) } }), pricesAt(BTC))
      .then([rejected('TRADE_RETCODE_INVALID_EXPIRATION', 'EXPIRATION_IN_THE_PAST', { command: 'PlacePendingOrder' })]);
  });
});

describe('a BUY_LIMIT at 41000 placed at 2026-03-03T10:30Z (the market stays at 42000.00 / 42000.50)', () => {
  const placedWith = (type: ExpirationType, time: string | null) => {
    const state = given(ann()).state;
    const placement = run(
      state,
      pendingOrder({ orderType: 'BUY_LIMIT', price: '41000', expiration: { type, time: time === null ? null : Date.parse(time) } }),
      pricesAt(BTC),
    );
    expect(placement.outcome.code).toBe('TRADE_RETCODE_DONE');
    return state;
  };
  const expired = (at: number): DomainEvent => ({
    type: 'OrderCancelled',
    data: { accountId: ANN_ACCOUNT, orderId: ORDER, reason: 'EXPIRED', cancelledAt: iso(at), quote: null },
  });

  it.each<[ExpirationType, string | null, string]>([
    ['DAY', null, '2026-03-04T00:00:00.000Z'],
    ['SPECIFIED', '2026-03-03T12:00:00.000Z', '2026-03-03T12:00:00.000Z'],
    ['SPECIFIED_DAY', '2026-03-05T08:15:00.000Z', '2026-03-06T00:00:00.000Z'],
  ])('%s (time %s) is still there on a tick 1 ms before %s and expires on a tick at it, by the tick time', (type, time, end) => {
    const state = placedWith(type, time);
    const expiry = Date.parse(end);
    expect(runTick(state, 'BTCUSD', '42000.00', '42000.50', {}, expiry - 1).events).toEqual([]);
    expect(runTick(state, 'BTCUSD', '42000.00', '42000.50', {}, expiry).events).toEqual([expired(expiry)]);
    expect(state.orders.size).toBe(0);
    expect(state.accounts.get(ANN_ACCOUNT)!.orderIds.size).toBe(0);
    expect(state.triggers.size()).toBe(0);
  });

  it.each<[ExpirationType, string | null, string]>([
    ['DAY', null, '2026-03-04T00:00:00.000Z'],
    ['SPECIFIED', '2026-03-03T12:00:00.000Z', '2026-03-03T12:00:00.000Z'],
    ['SPECIFIED_DAY', '2026-03-05T08:15:00.000Z', '2026-03-06T00:00:00.000Z'],
  ])('%s (time %s) expires on an idle market when the clock reaches %s', (type, time, end) => {
    const state = placedWith(type, time);
    const expiry = Date.parse(end);
    expect(run(state, advanceClock(expiry - 1), pricesAt({}, 0, expiry - 1)).events).toEqual([]);
    expect(run(state, advanceClock(expiry), pricesAt({}, 0, expiry)).events).toEqual([expired(expiry)]);
    expect(state.orders.size).toBe(0);
  });

  it('GTC never expires: nothing on a tick or a clock a year later', () => {
    const state = placedWith('GTC', null);
    const later = NOW + 365 * 86_400_000;
    expect(runTick(state, 'BTCUSD', '42000.00', '42000.50', {}, later).events).toEqual([]);
    expect(run(state, advanceClock(later), pricesAt({}, 0, later)).events).toEqual([]);
    expect(state.orders.has(ORDER)).toBe(true);
  });

  it('a DAY order never fills on the tick at which it expires, even when that tick reaches its price', () => {
    const state = placedWith('DAY', null);
    const midnight = Date.parse('2026-03-04T00:00:00.000Z');
    expect(runTick(state, 'BTCUSD', '40899.50', '40900.00', {}, midnight).events).toEqual([expired(midnight)]);
    expect(state.positions.size).toBe(0);
  });

  it('a DAY order fills on a tick 1 ms before midnight that reaches its price, at that ask 40900.00', () => {
    const state = placedWith('DAY', null);
    const { events } = runTick(state, 'BTCUSD', '40899.50', '40900.00', {}, Date.parse('2026-03-04T00:00:00.000Z') - 1);
    expect(events.map((e) => e.type)).toEqual(['PositionOpened']);
    expect((events[0] as PositionOpened).data).toMatchObject({ openPrice: '40900', margin: '4090' }); // 40900 / 10
  });

  it('orders expiring at the same time lapse in order id order, across accounts', () => {
    const end = Date.parse('2026-03-03T12:00:00.000Z');
    const expiration = { type: 'SPECIFIED' as const, at: iso(end) };
    const state = given([
      ...ann(),
      ...bob(),
      placed({ orderId: 1_000_002, accountId: 100_002, orderType: 'SELL_LIMIT', price: '43000', expiration }),
      placed({ orderId: 1_000_001, orderType: 'BUY_LIMIT', price: '41000', expiration }),
    ]).state;
    const { events } = run(state, advanceClock(end), pricesAt({}, 0, end));
    expect(events.map((e) => [e.type, (e.data as { accountId: number }).accountId, (e.data as { orderId: number }).orderId])).toEqual([
      ['OrderCancelled', ANN_ACCOUNT, 1_000_001],
      ['OrderCancelled', 100_002, 1_000_002],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// ModifyOrder and CancelOrder
// ---------------------------------------------------------------------------------------------

describe('ModifyOrder', () => {
  describe('a BUY_LIMIT 1 BTCUSD at 41900 with TP 43000 and SL 41000, GTC; market 42000.00 / 42000.50', () => {
    const history = () => [...ann(), placed({ orderId: ORDER, orderType: 'BUY_LIMIT', price: '41900', takeProfit: '43000', stopLoss: '41000' })];

    it('moves the entry to 41800 and keeps the levels: the old entry no longer fills, the new one does', () => {
      const spec = given(history())
        .when(modifyOrder({ orderId: ORDER, price: '41800', takeProfit: '43000', stopLoss: '41000' }), pricesAt(BTC))
        .then([
          {
            type: 'OrderModified',
            data: {
              accountId: ANN_ACCOUNT,
              orderId: ORDER,
              price: '41800',
              stopLimitPrice: null,
              takeProfit: '43000',
              stopLoss: '41000',
              expiration: { type: 'GTC', at: null },
              modifiedAt: AT,
            },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', orderId: ORDER });
      const state = spec.state();
      expect(runTick(state, 'BTCUSD', '41899.50', '41900.00', {}, NOW + 1_000).events).toEqual([]); // the old entry
      const fill = runTick(state, 'BTCUSD', '41799.50', '41800.00', {}, NOW + 2_000);
      expect((fill.events[0] as PositionOpened).data).toMatchObject({ orderId: ORDER, openPrice: '41800', takeProfit: '43000', stopLoss: '41000' });
    });

    it('removes the levels it is not given (null) and sets a SPECIFIED expiry', () => {
      const end = Date.parse('2026-03-03T15:00:00.000Z');
      given(history())
        .when(modifyOrder({ orderId: ORDER, price: '41900', expiration: { type: 'SPECIFIED', time: end } }), pricesAt(BTC))
        .then([
          {
            type: 'OrderModified',
            data: {
              accountId: ANN_ACCOUNT,
              orderId: ORDER,
              price: '41900',
              stopLimitPrice: null,
              takeProfit: null,
              stopLoss: null,
              expiration: { type: 'SPECIFIED', at: '2026-03-03T15:00:00.000Z' },
              modifiedAt: AT,
            },
          },
        ]);
    });

    it.each<['DAY' | 'SPECIFIED_DAY' | 'SPECIFIED', string]>([
      ['DAY', '2026-03-04T00:00:00.000Z'],
      ['SPECIFIED_DAY', '2026-03-05T00:00:00.000Z'],
      ['SPECIFIED', '2026-03-03T15:00:00.000Z'],
    ])('keeps a %s order a %s one (same expiry) when a modify names no expiration', (type, at) => {
      const state = given([...ann(), placed({ orderId: ORDER, orderType: 'BUY_LIMIT', price: '41900', expiration: { type, at } })]).state;
      const { events } = run(state, modifyOrder({ orderId: ORDER, price: '41800', expiration: null }), pricesAt(BTC));
      expect(events).toMatchObject([{ type: 'OrderModified', data: { expiration: { type, at } } }]);
    });

    it.each<[string, string | null, string | null, string, string]>([
      ['42000.50', '43000', '41000', 'TRADE_RETCODE_INVALID_PRICE', 'ENTRY_ON_WRONG_SIDE_OF_MARKET'], // = ask
      ['41900', '41900', '41000', 'TRADE_RETCODE_INVALID_STOPS', 'STOPS_ON_WRONG_SIDE_OF_ENTRY'], // TP = entry
      ['41800', '43000', '41850', 'TRADE_RETCODE_INVALID_STOPS', 'STOPS_ON_WRONG_SIDE_OF_ENTRY'], // SL above the new entry
    ])('entry %s with TP %s, SL %s records %s', (price, takeProfit, stopLoss, code, reason) => {
      given(history())
        .when(modifyOrder({ orderId: ORDER, price, takeProfit, stopLoss }), pricesAt(BTC))
        .then([rejected(code as 'TRADE_RETCODE_INVALID_PRICE', reason, { command: 'ModifyOrder', quote: MARKET_QUOTE })]);
    });

    it('records NO_CHANGES when nothing changes (41900.00 is 41900)', () => {
      given(history())
        .when(modifyOrder({ orderId: ORDER, price: '41900.00', takeProfit: '43000', stopLoss: '41000' }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_NO_CHANGES', 'NOTHING_TO_CHANGE', { command: 'ModifyOrder' })]);
    });

    it('records INVALID_EXPIRATION for a time already past', () => {
      given(history())
        .when(modifyOrder({ orderId: ORDER, price: '41800', expiration: { type: 'SPECIFIED', time: NOW - 1 } }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_INVALID_EXPIRATION', 'EXPIRATION_IN_THE_PAST', { command: 'ModifyOrder' })]);
    });

    it("refuses another user's modification as INVALID_ORDER with no events", () => {
      given([...history(), ...bob()])
        .when(modifyOrder({ orderId: ORDER, price: '41800', userId: BOB }), pricesAt(BTC))
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID_ORDER', reason: 'ORDER_NOT_FOUND' });
    });
  });

  describe('a BUY_STOP_LIMIT at 42100 with limit 42050', () => {
    const history = () => [...ann(), placed({ orderId: ORDER, orderType: 'BUY_STOP_LIMIT', price: '42100', stopLimitPrice: '42050' })];

    it('moves both prices: stop 42200, limit 42150', () => {
      const { events } = given(history()).when(modifyOrder({ orderId: ORDER, price: '42200', stopLimitPrice: '42150' }), pricesAt(BTC)).decision;
      expect(events[0]!.data).toMatchObject({ price: '42200', stopLimitPrice: '42150' });
    });

    it('records STOP_LIMIT_PRICE_MISMATCH without a limit price', () => {
      given(history())
        .when(modifyOrder({ orderId: ORDER, price: '42200' }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_INVALID_PRICE', 'STOP_LIMIT_PRICE_MISMATCH', { command: 'ModifyOrder' })]);
    });

    it('records INVALID_PRICE for a limit above the stop', () => {
      given(history())
        .when(modifyOrder({ orderId: ORDER, price: '42200', stopLimitPrice: '42200.01' }), pricesAt(BTC))
        .then([rejected('TRADE_RETCODE_INVALID_PRICE', 'ENTRY_ON_WRONG_SIDE_OF_MARKET', { command: 'ModifyOrder', quote: MARKET_QUOTE })]);
    });
  });
});

describe('CancelOrder', () => {
  describe('a SELL_LIMIT 1 BTCUSD at 42100', () => {
    const history = () => [...ann(), placed({ orderId: ORDER, orderType: 'SELL_LIMIT', price: '42100' })];

    it('cancels it: removed and disarmed, so a tick through its price fills nothing', () => {
      const state = given(history())
        .when(cancelOrder(ORDER), pricesAt({}))
        .then([{ type: 'OrderCancelled', data: { accountId: ANN_ACCOUNT, orderId: ORDER, reason: 'CANCELLED', cancelledAt: AT, quote: null } }])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', orderId: ORDER })
        .state();
      expect(state.orders.size).toBe(0);
      expect(state.triggers.size()).toBe(0);
      expect(runTick(state, 'BTCUSD', '42200.00', '42200.50').events).toEqual([]);
      // A second cancel finds nothing.
      expect(run(state, cancelOrder(ORDER), pricesAt({}))).toEqual({
        events: [],
        outcome: expect.objectContaining({ code: 'TRADE_RETCODE_INVALID_ORDER', reason: 'ORDER_NOT_FOUND' }),
      });
    });

    it("refuses another user's cancel, or through another account, with no events", () => {
      given([...history(), ...bob()]).when(cancelOrder(ORDER, { userId: BOB }), pricesAt({})).then([]).thenOutcome({ reason: 'ORDER_NOT_FOUND' });
      given(history()).when(cancelOrder(ORDER, { accountId: 100_009 }), pricesAt({})).then([]).thenOutcome({ reason: 'ORDER_NOT_FOUND' });
    });

    it('records TIMEOUT past the deadline and keeps the order', () => {
      given(history())
        .when(cancelOrder(ORDER, { deadline: NOW - 1 }), pricesAt({}))
        .then([rejected('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED', { command: 'CancelOrder' })]);
    });
  });
});
