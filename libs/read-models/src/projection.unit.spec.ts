import type { DomainEvent, PositionClosed, PositionOpened } from '../../domain/src/index.js';
import { project } from './projection.js';
import type { ReadModelOp } from './read-model.ops.js';

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
  it('sets the balance the event reports after the change', () => {
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
    expect(project(logged(event))).toEqual([{ op: 'setBalance', accountId: 2, balance: '9749.5' }]);
  });
});

describe('a position opened', () => {
  it('puts the open order without the quote and adds its margin to the account', () => {
    const { quote: _quote, ...order } = opened.data;
    expect(project(logged(opened))).toEqual([
      { op: 'putOpenOrder', order },
      { op: 'addMargin', accountId: 2, delta: '210.005' },
    ]);
  });
});

describe('a position partly closed', () => {
  it('reduces the open order, records the closed part at the log position, books the balance and releases margin', () => {
    expect(project(logged(closed('0.2', '0.3', 'PARTIAL'), 77))).toEqual([
      { op: 'reduceOpenOrder', orderId: 7, remainingVolume: '0.3', marginReleased: '84.002' },
      closedRow('0.2', 'PARTIAL', 77),
      { op: 'setBalance', accountId: 2, balance: '10099.8' },
      { op: 'addMargin', accountId: 2, delta: '-84.002' },
    ]);
  });
});

describe('a position fully closed', () => {
  it('deletes the open order, records the close at the log position, books the balance and releases margin', () => {
    expect(project(logged(closed('0.5', '0', 'TAKE_PROFIT'), 78))).toEqual([
      { op: 'deleteOpenOrder', orderId: 7 },
      closedRow('0.5', 'TAKE_PROFIT', 78),
      { op: 'setBalance', accountId: 2, balance: '10099.8' },
      { op: 'addMargin', accountId: 2, delta: '-84.002' },
    ]);
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

describe('an event type this build does not know', () => {
  it('is skipped without ops', () => {
    expect(project({ type: 'PositionModified', data: { orderId: 7 }, position: 90 })).toEqual([]);
  });

  it('is not mistaken for a known type by an inherited property name', () => {
    expect(project({ type: 'constructor', data: {}, position: 91 })).toEqual([]);
  });
});
