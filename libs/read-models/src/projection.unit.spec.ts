import type { DomainEvent, OrderPlaced, PositionClosed, PositionOpened } from '../../domain/src/index.js';
import { project } from './projection.js';
import type { ReadModelOp } from './read-model.ops.js';
import type { DealView } from './views.js';

const logged = (event: DomainEvent, position = 42) => ({ ...event, position });
const quote = { bid: '42000', ask: '42001', time: '2026-03-03T10:30:00.000Z' };

const opened: PositionOpened = {
  type: 'PositionOpened',
  data: {
    accountId: 2,
    orderId: 7,
    symbol: 'BTCUSD',
    side: 'BUY',
    volume: '0.5',
    openPrice: '42001',
    leverage: 100,
    margin: '210.005',
    takeProfit: '43000',
    stopLoss: null,
    openTime: '2026-03-03T10:30:00.000Z',
    quote,
    clientId: 'c-1',
    comment: null,
    orderType: 'MARKET',
    commission: '0', // demo group: no commission
    balance: '10000', // the balance after the (zero) commission
    magic: null,
  },
};

function closed(volume: string, remainingVolume: string, reason: PositionClosed['data']['reason']): PositionClosed {
  return {
    type: 'PositionClosed',
    data: {
      accountId: 2,
      orderId: 7,
      symbol: 'BTCUSD',
      side: 'BUY',
      volume,
      remainingVolume,
      openPrice: '42001',
      closePrice: '42500',
      leverage: 100,
      takeProfit: '43000',
      stopLoss: null,
      openTime: '2026-03-03T10:30:00.000Z',
      closeTime: '2026-03-03T11:00:00.000Z',
      profit: '99.8',
      marginReleased: '84.002',
      balance: '10099.8',
      reason,
      quote,
      clientId: null,
      comment: null,
    },
  };
}

const closedRow = (volume: string, reason: PositionClosed['data']['reason'], position: number): ReadModelOp => ({
  op: 'addClosedOrder',
  order: {
    orderId: 7,
    accountId: 2,
    symbol: 'BTCUSD',
    side: 'BUY',
    volume,
    leverage: 100,
    openPrice: '42001',
    closePrice: '42500',
    takeProfit: '43000',
    stopLoss: null,
    openTime: '2026-03-03T10:30:00.000Z',
    closeTime: '2026-03-03T11:00:00.000Z',
    profit: '99.8',
    reason,
    position,
  },
});

/** The OUT deal a close of position 7 records at log position `dealId`. */
const outDeal = (volume: string, reason: PositionClosed['data']['reason'], dealId: number): ReadModelOp => ({
  op: 'putDeal',
  deal: {
    dealId,
    accountId: 2,
    kind: 'SELL', // closing a BUY sells
    entry: 'OUT',
    time: '2026-03-03T11:00:00.000Z',
    symbol: 'BTCUSD',
    volume,
    price: '42500',
    profit: '99.8',
    commission: '0',
    positionId: 7,
    orderId: 7,
    reason,
    takeProfit: '43000',
    stopLoss: null,
    clientId: null,
    comment: null,
    magic: null,
  },
});

const balanceDeal = (dealId: number, profit: string, reason: DealView['reason'], time: string, comment: string | null): DealView => ({
  dealId,
  accountId: 2,
  kind: 'BALANCE',
  entry: null,
  time,
  symbol: null,
  volume: null,
  price: null,
  profit,
  commission: '0',
  positionId: null,
  orderId: null,
  reason,
  takeProfit: null,
  stopLoss: null,
  clientId: null,
  comment,
  magic: null,
});

describe('a user registered', () => {
  it('puts the user document', () => {
    const event: DomainEvent = {
      type: 'UserRegistered',
      data: { userId: 1, email: 'ann@example.com', passwordHash: 'h', registeredAt: '2026-03-03T10:00:00.000Z' },
    };
    expect(project(logged(event))).toEqual([
      { op: 'putUser', user: { userId: 1, email: 'ann@example.com', passwordHash: 'h', registeredAt: '2026-03-03T10:00:00.000Z' } },
    ]);
  });
});

describe('an account opened', () => {
  it('puts the account with a zero balance and no margin', () => {
    const data = {
      accountId: 2,
      userId: 1,
      name: 'Account 1',
      group: 'demo',
      currency: 'USD',
      leverage: 100,
      openedAt: '2026-03-03T10:00:00.000Z',
    };
    expect(project(logged({ type: 'AccountOpened', data }))).toEqual([
      { op: 'putAccount', account: { ...data, balance: '0', margin: '0' } },
    ]);
  });
});

describe('a balance changed', () => {
  it('sets the balance the event reports after the change and records a balance deal at its log position', () => {
    const event: DomainEvent = {
      type: 'BalanceChanged',
      data: {
        accountId: 2,
        kind: 'WITHDRAWAL',
        amount: '-250.5',
        balance: '9749.5',
        comment: 'payout',
        changedAt: '2026-03-03T10:05:00.000Z',
      },
    };
    expect(project(logged(event, 43))).toEqual([
      { op: 'setBalance', accountId: 2, balance: '9749.5' },
      { op: 'putDeal', deal: balanceDeal(43, '-250.5', 'WITHDRAWAL', '2026-03-03T10:05:00.000Z', 'payout') },
    ]);
  });

  it('records a deposit without a comment as a positive balance deal with no comment', () => {
    const event: DomainEvent = {
      type: 'BalanceChanged',
      data: { accountId: 2, kind: 'DEPOSIT', amount: '500', balance: '10500', comment: '', changedAt: '2026-03-03T10:06:00.000Z' },
    };
    expect(project(logged(event, 44))[1]).toEqual({ op: 'putDeal', deal: balanceDeal(44, '500', 'DEPOSIT', '2026-03-03T10:06:00.000Z', null) });
  });
});

describe('a position opened', () => {
  /** The IN deal of position 7 at log position `dealId`. */
  const inDeal = (dealId: number, commission: string, magic: number | null = null): ReadModelOp => ({
    op: 'putDeal',
    deal: {
      dealId,
      accountId: 2,
      kind: 'BUY',
      entry: 'IN',
      time: '2026-03-03T10:30:00.000Z',
      symbol: 'BTCUSD',
      volume: '0.5',
      price: '42001',
      profit: '0',
      commission,
      positionId: 7,
      orderId: 7,
      reason: 'OPEN',
      takeProfit: '43000',
      stopLoss: null,
      clientId: 'c-1',
      comment: null,
      magic,
    },
  });

  it('puts the filled market order in the history, the open order without the quote, its margin, the balance and an IN deal', () => {
    const { quote: _quote, balance: _balance, ...order } = opened.data;
    expect(project(logged(opened, 42))).toEqual([
      {
        op: 'putHistoryOrder',
        order: {
          orderId: 7,
          accountId: 2,
          symbol: 'BTCUSD',
          orderType: 'MARKET',
          side: 'BUY',
          state: 'FILLED',
          volume: '0.5',
          price: '42001',
          stopLimitPrice: null,
          fillPrice: '42001',
          leverage: 100,
          takeProfit: '43000',
          stopLoss: null,
          expiration: { type: 'GTC', at: null },
          placedAt: '2026-03-03T10:30:00.000Z',
          doneAt: '2026-03-03T10:30:00.000Z',
          clientId: 'c-1',
          comment: null,
          magic: null,
          position: 42,
        },
      },
      { op: 'putOpenOrder', order },
      { op: 'addMargin', accountId: 2, delta: '210.005' },
      { op: 'setBalance', accountId: 2, balance: '10000' },
      inDeal(42, '0'),
    ]);
  });

  it('from a pending order that filled: removes the pending order first, the position keeps its id, commission is booked', () => {
    // 0.5 lot × 7 USD/lot = 3.50 commission; balance 10000 − 3.50 = 9996.50.
    const filled: PositionOpened = {
      type: 'PositionOpened',
      data: { ...opened.data, orderType: 'BUY_LIMIT', commission: '3.5', balance: '9996.5', magic: 77 },
    };
    const { quote: _quote, balance: _balance, ...order } = filled.data;
    expect(project(logged(filled, 50))).toEqual([
      { op: 'archivePendingOrder', orderId: 7, state: 'FILLED', doneAt: '2026-03-03T10:30:00.000Z', fillPrice: '42001', position: 50 },
      { op: 'deletePendingOrder', orderId: 7 },
      { op: 'putOpenOrder', order },
      { op: 'addMargin', accountId: 2, delta: '210.005' },
      { op: 'setBalance', accountId: 2, balance: '9996.5' },
      inDeal(50, '-3.5', 77), // the commission charged, as a negative amount
    ]);
    expect(order).toMatchObject({ orderType: 'BUY_LIMIT', commission: '3.5', magic: 77 });
  });
});

describe('a position modified', () => {
  it('sets its new take profit and stop loss (a null removes a level)', () => {
    const event: DomainEvent = {
      type: 'PositionModified',
      data: { accountId: 2, orderId: 7, takeProfit: '43500', stopLoss: null, modifiedAt: '2026-03-03T10:40:00.000Z' },
    };
    expect(project(logged(event))).toEqual([{ op: 'setOpenOrderLevels', orderId: 7, takeProfit: '43500', stopLoss: null }]);
  });
});

describe('a position partly closed', () => {
  it('reduces the open order, records the closed part at the log position, books the balance, releases margin and records an OUT deal', () => {
    expect(project(logged(closed('0.2', '0.3', 'PARTIAL'), 77))).toEqual([
      { op: 'reduceOpenOrder', orderId: 7, remainingVolume: '0.3', marginReleased: '84.002' },
      closedRow('0.2', 'PARTIAL', 77),
      { op: 'setBalance', accountId: 2, balance: '10099.8' },
      { op: 'addMargin', accountId: 2, delta: '-84.002' },
      outDeal('0.2', 'PARTIAL', 77),
    ]);
  });
});

describe('a position fully closed', () => {
  it('deletes the open order, records the close at the log position, books the balance, releases margin and records an OUT deal', () => {
    expect(project(logged(closed('0.5', '0', 'TAKE_PROFIT'), 78))).toEqual([
      { op: 'deleteOpenOrder', orderId: 7 },
      closedRow('0.5', 'TAKE_PROFIT', 78),
      { op: 'setBalance', accountId: 2, balance: '10099.8' },
      { op: 'addMargin', accountId: 2, delta: '-84.002' },
      outDeal('0.5', 'TAKE_PROFIT', 78),
    ]);
  });

  it('puts the close request\'s clientId and comment on the OUT deal', () => {
    const tagged = closed('0.5', '0', 'MANUAL');
    const ops = project(logged({ ...tagged, data: { ...tagged.data, clientId: 'grid-1', comment: 'exit' } }, 80));
    expect(ops[ops.length - 1]).toMatchObject({ op: 'putDeal', deal: { dealId: 80, entry: 'OUT', clientId: 'grid-1', comment: 'exit' } });
  });

  it('records closing a SELL position as a BUY deal out', () => {
    const sell = closed('0.5', '0', 'STOP_LOSS');
    const ops = project(logged({ ...sell, data: { ...sell.data, side: 'SELL' } }, 79));
    expect(ops[ops.length - 1]).toMatchObject({ op: 'putDeal', deal: { dealId: 79, kind: 'BUY', entry: 'OUT', reason: 'STOP_LOSS', positionId: 7 } });
  });

  it('treats a zero remaining volume written with decimals as fully closed', () => {
    expect(project(logged(closed('0.5', '0.00', 'STOP_OUT')))[0]).toEqual({ op: 'deleteOpenOrder', orderId: 7 });
  });
});

describe('a trade rejected', () => {
  it('changes no read model', () => {
    const event: DomainEvent = {
      type: 'TradeRejected',
      data: {
        accountId: 2,
        commandId: 'cmd-1',
        command: 'PlaceOrder',
        code: 'TRADE_RETCODE_NO_MONEY',
        reason: 'NOT_ENOUGH_FREE_MARGIN',
        rejectedAt: '2026-03-03T10:06:00.000Z',
        quote,
      },
    };
    expect(project(logged(event))).toEqual([]);
  });
});

describe('a pending order placed', () => {
  const placed: OrderPlaced = {
    type: 'OrderPlaced',
    data: {
      accountId: 2,
      orderId: 8,
      symbol: 'BTCUSD',
      orderType: 'BUY_STOP_LIMIT',
      side: 'BUY',
      volume: '0.5',
      price: '43000',
      stopLimitPrice: '42900',
      leverage: 100,
      takeProfit: '44000',
      stopLoss: '42000',
      expiration: { type: 'DAY', at: '2026-03-04T00:00:00.000Z' },
      placedAt: '2026-03-03T10:30:00.000Z',
      clientId: 'c-2',
      comment: 'breakout',
      magic: 5,
    },
  };

  it('puts the pending order with every field of the event', () => {
    expect(project(logged(placed))).toEqual([{ op: 'putPendingOrder', order: placed.data }]);
  });

  it('a modification patches its entry, levels and lifetime', () => {
    const event: DomainEvent = {
      type: 'OrderModified',
      data: {
        accountId: 2,
        orderId: 8,
        price: '43100',
        stopLimitPrice: '43000',
        takeProfit: null,
        stopLoss: '42500',
        expiration: { type: 'GTC', at: null },
        modifiedAt: '2026-03-03T10:35:00.000Z',
      },
    };
    expect(project(logged(event))).toEqual([
      {
        op: 'patchPendingOrder',
        orderId: 8,
        changes: { price: '43100', stopLimitPrice: '43000', takeProfit: null, stopLoss: '42500', expiration: { type: 'GTC', at: null } },
      },
    ]);
  });

  it('an activated stop-limit becomes a limit at its stop-limit price, with no stop-limit price left', () => {
    const event: DomainEvent = {
      type: 'OrderActivated',
      data: {
        accountId: 2,
        orderId: 8,
        orderType: 'BUY_LIMIT',
        price: '42900',
        activatedAt: '2026-03-03T10:45:00.000Z',
        quote,
      },
    };
    expect(project(logged(event))).toEqual([
      { op: 'patchPendingOrder', orderId: 8, changes: { orderType: 'BUY_LIMIT', price: '42900', stopLimitPrice: null } },
    ]);
  });

  it.each([
    ['CANCELLED', 'CANCELED'],
    ['EXPIRED', 'EXPIRED'],
    ['NO_MONEY', 'REJECTED'],
  ] as const)('a cancellation (%s) moves it to the order history as %s, then deletes it', (reason, state) => {
    const event: DomainEvent = {
      type: 'OrderCancelled',
      data: { accountId: 2, orderId: 8, reason, cancelledAt: '2026-03-03T11:00:00.000Z', quote: null },
    };
    expect(project(logged(event, 60))).toEqual([
      { op: 'archivePendingOrder', orderId: 8, state, doneAt: '2026-03-03T11:00:00.000Z', fillPrice: null, position: 60 },
      { op: 'deletePendingOrder', orderId: 8 },
    ]);
  });
});

describe('groups', () => {
  it('a group defined puts its conditions (without the definition time)', () => {
    const event: DomainEvent = {
      type: 'GroupDefined',
      data: {
        name: 'pro',
        leverage: 200,
        maxLeverage: 500,
        marginCallPercent: '80',
        stopOutPercent: '30',
        commissionPerLot: '7',
        symbols: ['BTCUSD', 'EURUSD'],
        hedging: false,
        definedAt: '2026-03-03T09:00:00.000Z',
      },
    };
    expect(project(logged(event))).toEqual([
      {
        op: 'putGroup',
        group: {
          name: 'pro',
          leverage: 200,
          maxLeverage: 500,
          marginCallPercent: '80',
          stopOutPercent: '30',
          commissionPerLot: '7',
          symbols: ['BTCUSD', 'EURUSD'],
          hedging: false,
        },
      },
    ]);
  });

  it('an account moved into a group takes its name and leverage', () => {
    const event: DomainEvent = {
      type: 'AccountGroupChanged',
      data: { accountId: 2, group: 'pro', leverage: 200, changedAt: '2026-03-03T09:05:00.000Z' },
    };
    expect(project(logged(event))).toEqual([{ op: 'setAccountGroup', accountId: 2, group: 'pro', leverage: 200 }]);
  });
});

describe('negative balance protection', () => {
  it('a write-off sets the balance it reports (0) and records the credit as a balance deal', () => {
    const event: DomainEvent = {
      type: 'BalanceWrittenOff',
      data: { accountId: 2, amount: '1234.56', balance: '0', at: '2026-03-03T11:00:00.000Z' },
    };
    expect(project(logged(event, 70))).toEqual([
      { op: 'setBalance', accountId: 2, balance: '0' },
      { op: 'putDeal', deal: balanceDeal(70, '1234.56', 'WRITE_OFF', '2026-03-03T11:00:00.000Z', 'Negative balance write-off') },
    ]);
  });
});

describe('margin calls', () => {
  it.each<DomainEvent>([
    {
      type: 'MarginCallTriggered',
      data: { accountId: 2, marginLevel: '95.5', equity: '200.55', margin: '210', at: '2026-03-03T11:00:00.000Z' },
    },
    { type: 'MarginCallCleared', data: { accountId: 2, marginLevel: '150', at: '2026-03-03T11:01:00.000Z' } },
  ])('$type changes no read model (audit trail only)', (event) => {
    expect(project(logged(event))).toEqual([]);
  });
});

describe('an event type this build does not know', () => {
  it('is skipped without ops', () => {
    expect(project({ type: 'PositionSwapCharged', data: { orderId: 7 }, position: 90 })).toEqual([]);
  });

  it('is not mistaken for a known type by an inherited property name', () => {
    expect(project({ type: 'constructor', data: {}, position: 91 })).toEqual([]);
  });
});
