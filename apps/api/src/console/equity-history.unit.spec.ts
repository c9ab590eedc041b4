import type { RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { equityHistory } from './equity-history.js';

let revision = 0;
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => {
  revision += 1;
  return {
    id: `e${revision}`,
    stream: 'account-100001',
    revision: revision - 1,
    position: revision * 10,
    type,
    data,
    metadata: { timestamp: `2026-01-01T00:00:${String(revision).padStart(2, '0')}.000Z`, correlationId: 'c', causationId: 'k', schemaVersion: 1 },
    recordedAt: '2026-01-01T00:00:00.000Z',
  };
};

const quote = (bid: string, ask: string, second: number) => ({ bid, ask, time: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z` });

describe('equityHistory', () => {
  describe('a deposit, a BUY of 0.5 BTCUSD, a price seen through another event, and a close', () => {
    it('has the exact balance after each event and equity marked at the last recorded price', () => {
      revision = 0;
      const opened = { accountId: 100001, symbol: 'BTCUSD', side: 'BUY', volume: '0.5', openPrice: '42000', leverage: 10, margin: '2100', takeProfit: null, stopLoss: null, openTime: 'x', orderType: 'MARKET', commission: '0', clientId: null, comment: null, magic: null };
      const events = [
        recorded('AccountOpened', { accountId: 100001, userId: 1, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: 'x' }),
        recorded('BalanceChanged', { accountId: 100001, kind: 'DEPOSIT', amount: '10000', balance: '10000', comment: '', changedAt: 'x' }),
        recorded('PositionOpened', { ...opened, orderId: 1, balance: '10000', quote: quote('41990', '42000', 3) }),
        // A second position on the same symbol at a later price re-marks the first one: (42100 − 42000) × 0.5 = 50.
        recorded('PositionOpened', { ...opened, orderId: 2, volume: '0.1', openPrice: '42110', balance: '10000', quote: quote('42100', '42110', 4) }),
        recorded('PositionClosed', {
          accountId: 100001, orderId: 1, symbol: 'BTCUSD', side: 'BUY', volume: '0.5', remainingVolume: '0', openPrice: '42000', closePrice: '42200',
          leverage: 10, takeProfit: null, stopLoss: null, openTime: 'x', closeTime: 'x', profit: '100', marginReleased: '2100', balance: '10100', reason: 'MANUAL', quote: quote('42200', '42210', 5),
        }),
      ];

      const points = equityHistory(events);

      expect(points.map((p) => [p.type, p.balance, p.equity, p.openPositions])).toEqual([
        ['AccountOpened', 0, 0, 0],
        ['BalanceChanged', 10000, 10000, 0],
        ['PositionOpened', 10000, 9995, 1], // marked at the bid 41990: −5
        ['PositionOpened', 10000, 10049, 2], // 0.5 × (42100 − 42000) + 0.1 × (42100 − 42110) = 50 − 1
        ['PositionClosed', 10100, 10109, 1], // remaining 0.1 × (42200 − 42110) = 9
      ]);
      expect(points[4]).toMatchObject({ time: '2026-01-01T00:00:05.000Z', revision: 4, position: 50 });
    });
  });
});
