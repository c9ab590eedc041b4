import { upcast } from './upcast.js';

describe('a PositionClosed written at schema version 1 (before closes carried tags)', () => {
  const v1 = {
    accountId: 100_001,
    orderId: 1_000_001,
    symbol: 'BTCUSD',
    side: 'BUY',
    volume: '1',
    remainingVolume: '0',
    openPrice: '42000.5',
    closePrice: '42500',
    leverage: 10,
    takeProfit: null,
    stopLoss: null,
    openTime: '2026-03-03T10:00:00.000Z',
    closeTime: '2026-03-03T10:30:00.000Z',
    profit: '499.5',
    marginReleased: '4200.05',
    balance: '10499.5',
    reason: 'MANUAL',
    quote: { bid: '42500', ask: '42500.5', time: '2026-03-03T10:29:59.500Z' },
  };

  it('reads as the current version with no clientId and no comment, everything else as written', () => {
    expect(upcast('PositionClosed', v1, 1)).toEqual({ type: 'PositionClosed', data: { ...v1, clientId: null, comment: null } });
  });

  it('keeps the tags of a version 2 event', () => {
    const v2 = { ...v1, clientId: 'grid-1', comment: 'exit' };
    expect(upcast('PositionClosed', v2, 2)).toEqual({ type: 'PositionClosed', data: v2 });
  });
});
