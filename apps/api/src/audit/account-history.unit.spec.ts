import { fixedToString } from '../../../../libs/domain/src/index.js';
import type { RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { AccountFold, parseAuditPoint } from './account-history.js';

let position = 10;
function recorded(revision: number, timestamp: string, type: string, data: Record<string, unknown>): RecordedEvent {
  position += 3;
  return {
    id: `e-${revision}`,
    stream: 'account-100001',
    revision,
    position,
    type,
    data,
    metadata: { timestamp, correlationId: 'c', causationId: 'c', schemaVersion: 1 },
    recordedAt: timestamp,
  };
}

const quote = { bid: '42000', ask: '42010', time: '2026-03-03T10:00:00.000Z' };
const history = [
  recorded(0, '2026-03-03T10:00:00.000Z', 'AccountOpened', { accountId: 100001, userId: 7, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: '2026-03-03T10:00:00.000Z' }),
  recorded(1, '2026-03-03T10:00:00.000Z', 'BalanceChanged', { accountId: 100001, kind: 'DEPOSIT', amount: '10000', balance: '10000', comment: '', changedAt: '' }),
  recorded(2, '2026-03-03T10:05:00.000Z', 'PositionOpened', {
    accountId: 100001, orderId: 1000001, symbol: 'BTCUSD', side: 'BUY', volume: '0.5', openPrice: '42010', leverage: 10, margin: '2100.5',
    takeProfit: '43000', stopLoss: null, openTime: '2026-03-03T10:05:00.000Z', orderType: 'MARKET', commission: '0', balance: '10000',
    quote, clientId: null, comment: null, magic: null,
  }),
  recorded(3, '2026-03-03T10:10:00.000Z', 'PositionClosed', {
    accountId: 100001, orderId: 1000001, symbol: 'BTCUSD', side: 'BUY', volume: '0.5', remainingVolume: '0', openPrice: '42010', closePrice: '43000',
    leverage: 10, takeProfit: '43000', stopLoss: null, openTime: '2026-03-03T10:05:00.000Z', closeTime: '2026-03-03T10:10:00.000Z',
    profit: '495', marginReleased: '2100.5', balance: '10495', reason: 'TAKE_PROFIT', quote,
  }),
];

function foldTo(at: string | undefined) {
  const fold = new AccountFold();
  fold.apply(history, parseAuditPoint(at)!);
  const account = fold.account(100001);
  return { fold, balance: account && fixedToString(account.balance), margin: account && fixedToString(account.margin), positions: account?.positionIds.size };
}

describe('an account stream folded to a point', () => {
  it.each([
    ['0', '0', '0', 0],
    ['1', '10000', '0', 0],
    ['2', '10000', '2100.5', 1],
    ['3', '10495', '0', 0],
    [undefined, '10495', '0', 0],
    ['2026-03-03T10:05:00.000Z', '10000', '2100.5', 1],
    ['2026-03-03T10:09:59.999Z', '10000', '2100.5', 1],
    ['2026-03-03T10:00:00Z', '10000', '0', 0],
  ])('at %s shows balance %s, margin %s and %s open positions', (at, balance, margin, positions) => {
    expect(foldTo(at)).toMatchObject({ balance, margin, positions });
  });

  it('remembers the last event it applied, which says "as of"', () => {
    expect(foldTo('2').fold.last?.revision).toBe(2);
  });

  it('has no account before the account was opened', () => {
    const { fold } = foldTo('2026-03-03T09:59:59Z');
    expect(fold.account(100001)).toBeUndefined();
    expect(fold.last).toBeUndefined();
  });
});

describe('the at parameter', () => {
  it.each([
    ['12', { kind: 'revision', revision: 12 }],
    ['2026-03-03T10:30:00Z', { kind: 'time', time: Date.parse('2026-03-03T10:30:00Z') }],
    ['2026-03-03T12:30:00+02:00', { kind: 'time', time: Date.parse('2026-03-03T10:30:00Z') }],
    ['2026-03-03', { kind: 'time', time: Date.parse('2026-03-03T00:00:00Z') }],
    [undefined, { kind: 'latest' }],
  ])('%s means %j', (at, point) => {
    expect(parseAuditPoint(at)).toEqual(point);
  });

  it.each(['yesterday', '-1', '1.5', '2026-13-45T99:00:00Z', 'NaN'])('%s is refused', (at) => {
    expect(parseAuditPoint(at)).toBeUndefined();
  });
});
