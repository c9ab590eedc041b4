import { PriceBoard, parseFixed } from '../../../../../../libs/domain/src/index.js';
import type { DealView, HistoryOrderView, OpenOrderView } from '../../../../../../libs/read-models/src/views.js';
import { deal, historyOrder, position } from './metaapi-models.js';

const open: OpenOrderView = {
  orderId: 7,
  accountId: 2,
  symbol: 'BTCUSD',
  side: 'BUY',
  volume: '0.3',
  leverage: 10,
  openPrice: '42000',
  margin: '1260',
  takeProfit: null,
  stopLoss: '41000',
  openTime: '2026-03-03T10:30:00.000Z',
  clientId: null,
  comment: null,
  orderType: 'MARKET',
  commission: '2.1',
  magic: null,
};

const baseDeal: DealView = {
  dealId: 10,
  accountId: 2,
  kind: 'BUY',
  entry: 'IN',
  time: '2026-03-03T10:30:00.000Z',
  symbol: 'BTCUSD',
  volume: '0.5',
  price: '42000',
  profit: '0',
  commission: '-2.1',
  positionId: 7,
  orderId: 7,
  reason: 'OPEN',
  takeProfit: null,
  stopLoss: '41000',
  clientId: null,
  comment: null,
  magic: null,
};

describe('a BUY 0.5 BTCUSD position at 42000, 0.2 of it closed at 42100, 0.3 still open', () => {
  const deals: DealView[] = [
    baseDeal,
    { ...baseDeal, dealId: 12, kind: 'SELL', entry: 'OUT', time: '2026-03-03T11:00:00.000Z', volume: '0.2', price: '42100', profit: '20', commission: '0', reason: 'PARTIAL' },
  ];

  it('books the partial profit and the commission as realized, and the open part as floating at the bid', () => {
    const prices = new PriceBoard();
    prices.update({ symbol: 'BTCUSD', bid: parseFixed('42200'), ask: parseFixed('42201'), time: Date.parse('2026-03-03T11:05:00.000Z') });
    expect(position(open, deals, prices)).toMatchObject({
      id: '7',
      type: 'POSITION_TYPE_BUY',
      volume: 0.3,
      currentPrice: 42200,
      unrealizedProfit: 60, // (42200 − 42000) × 0.3
      realizedProfit: 17.9, // 20 − 2.10
      profit: 77.9,
      commission: -2.1,
      updateTime: '2026-03-03T11:00:00.000Z', // the partial close
      currentTickValue: 0.01, // 0.01 USD per point and lot (contract 1)
    });
  });

  it('leaves the live fields out without a quote', () => {
    const shown = position(open, deals, new PriceBoard());
    expect(shown).not.toHaveProperty('currentPrice');
    expect(shown).not.toHaveProperty('profit');
    expect(shown).not.toHaveProperty('unrealizedProfit');
    expect(shown).toMatchObject({ realizedProfit: 17.9 });
  });
});

describe('deals', () => {
  it.each<[DealView['reason'], string | undefined]>([
    ['TAKE_PROFIT', 'DEAL_REASON_TP'],
    ['STOP_LOSS', 'DEAL_REASON_SL'],
    ['STOP_OUT', 'DEAL_REASON_SO'],
    ['MANUAL', 'DEAL_REASON_EXPERT'],
  ])('a close for %s has reason %s', (reason, expected) => {
    expect(deal({ ...baseDeal, kind: 'SELL', entry: 'OUT', reason }).reason).toBe(expected);
  });

  it('a balance operation has no symbol, volume, price, position or reason', () => {
    const shown = deal({
      ...baseDeal,
      kind: 'BALANCE',
      entry: null,
      symbol: null,
      volume: null,
      price: null,
      positionId: null,
      orderId: null,
      profit: '-250.5',
      commission: '0',
      reason: 'WITHDRAWAL',
      stopLoss: null,
      comment: 'payout',
    });
    expect(shown).toEqual({
      id: '10',
      platform: 'mt5',
      type: 'DEAL_TYPE_BALANCE',
      time: '2026-03-03T10:30:00.000Z',
      brokerTime: '2026-03-03 10:30:00.000',
      commission: 0,
      swap: 0,
      profit: -250.5,
      comment: 'payout',
      accountCurrencyExchangeRate: 1,
    });
  });
});

describe('history orders', () => {
  const expired: HistoryOrderView = {
    orderId: 9,
    accountId: 2,
    symbol: 'EURUSD',
    orderType: 'SELL_STOP',
    side: 'SELL',
    state: 'EXPIRED',
    volume: '1',
    price: '1.09',
    stopLimitPrice: null,
    fillPrice: null,
    leverage: 100,
    takeProfit: null,
    stopLoss: null,
    expiration: { type: 'SPECIFIED', at: '2026-03-04T00:00:00.000Z' },
    placedAt: '2026-03-03T10:00:00.000Z',
    doneAt: '2026-03-04T00:00:00.000Z',
    clientId: 'x',
    comment: null,
    magic: 5,
    position: 30,
  };

  it('an expired one keeps its whole volume current and has no position', () => {
    expect(historyOrder(expired)).toEqual({
      id: '9',
      platform: 'mt5',
      type: 'ORDER_TYPE_SELL_STOP',
      state: 'ORDER_STATE_EXPIRED',
      magic: 5,
      time: '2026-03-03T10:00:00.000Z',
      brokerTime: '2026-03-03 10:00:00.000',
      doneTime: '2026-03-04T00:00:00.000Z',
      doneBrokerTime: '2026-03-04 00:00:00.000',
      symbol: 'EURUSD',
      openPrice: 1.09,
      volume: 1,
      currentVolume: 1,
      clientId: 'x',
      reason: 'ORDER_REASON_EXPERT',
      fillingMode: 'ORDER_FILLING_RETURN',
      expirationType: 'ORDER_TIME_SPECIFIED',
      expirationTime: '2026-03-04T00:00:00.000Z',
      accountCurrencyExchangeRate: 1,
    });
  });

  it('a rejected one (no money when it triggered) is ORDER_STATE_REJECTED', () => {
    expect(historyOrder({ ...expired, state: 'REJECTED' }).state).toBe('ORDER_STATE_REJECTED');
  });
});
