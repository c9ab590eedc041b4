import { evolve, initialState, type DomainEvent } from '../../../../libs/domain/src/index.js';
import { compareEngineWithReadModels } from './compare-engine-state.js';
import { formatDifference } from './difference.js';
import type { ReadModelDump } from './read-model-dump.js';

const quote = { bid: '42000', ask: '42010', time: 't' };
const events: DomainEvent[] = [
  { type: 'UserRegistered', data: { userId: 1, email: 'ann@example.com', passwordHash: 'h', registeredAt: 't' } },
  { type: 'AccountOpened', data: { accountId: 100001, userId: 1, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: 't' } },
  { type: 'BalanceChanged', data: { accountId: 100001, kind: 'DEPOSIT', amount: '10000', balance: '10000', comment: '', changedAt: 't' } },
  {
    type: 'PositionOpened',
    data: {
      accountId: 100001, orderId: 1000001, symbol: 'BTCUSD', side: 'BUY', volume: '0.5', openPrice: '42010', leverage: 10, margin: '2100.5',
      takeProfit: '43000', stopLoss: null, openTime: 't', orderType: 'MARKET', commission: '0', balance: '10000', quote, clientId: null, comment: null, magic: null,
    },
  },
];

function state() {
  const s = initialState();
  for (const e of events) evolve(s, e);
  return s;
}

function dump(change: (tables: Record<string, Record<string, unknown>>) => void = () => undefined): ReadModelDump {
  const docs: Record<string, Record<string, unknown>> = {
    user: { userId: 1, email: 'ann@example.com', passwordHash: 'h', registeredAt: 't' },
    account: { accountId: 100001, userId: 1, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, balance: '10000.00', margin: '2100.50', openedAt: 't' },
    open: { orderId: 1000001, accountId: 100001, symbol: 'BTCUSD', side: 'BUY', volume: '0.5', leverage: 10, openPrice: '42010', margin: '2100.5', takeProfit: '43000', stopLoss: null, openTime: 't' },
  };
  change(docs);
  return {
    checkpoint: 4,
    tables: {
      users: [{ key: '1', doc: docs.user! }],
      accounts: [{ key: '100001', doc: docs.account! }],
      open_orders: docs.open ? [{ key: '1000001', doc: docs.open }] : [],
      pending_orders: [],
      groups: [],
    },
  };
}

describe('read models that agree with the engine state', () => {
  it('show no difference, decimals compared as numbers and the built-in group left out', () => {
    expect(compareEngineWithReadModels(state(), dump())).toEqual([]);
  });
});

describe('read models that lost an open position and show another margin', () => {
  it('report both against the engine state', () => {
    const lines = compareEngineWithReadModels(
      state(),
      dump((docs) => {
        delete docs.open;
        docs.account!.margin = '0';
      }),
    ).map(formatDifference);
    expect(lines).toEqual([
      '[engine] accounts 100001 .margin: read model "0", engine state (log) "2100.5"',
      '[engine] open orders 1000001: missing: the read model has no such row',
    ]);
  });
});

describe('read models with a position the engine does not hold', () => {
  it('report it as extra', () => {
    const s = state();
    s.positions.clear();
    expect(compareEngineWithReadModels(s, dump()).map(formatDifference)).toEqual([
      '[engine] open orders 1000001: extra: the read model has a row the engine state (log) does not',
    ]);
  });
});
