import { parseFixed, type DomainEvent } from '../../../../libs/domain/src/index.js';
import { formatDifference } from './difference.js';
import { computedBalance, MoneyLedger } from './money-conservation.js';

const ID = 100001;
const opened: DomainEvent = { type: 'AccountOpened', data: { accountId: ID, userId: 1, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: 't' } };
const balance = (amount: string, after: string): DomainEvent => ({
  type: 'BalanceChanged',
  data: { accountId: ID, kind: amount.startsWith('-') ? 'WITHDRAWAL' : 'DEPOSIT', amount, balance: after, comment: '', changedAt: 't' },
});
const open = (commission: string, after: string) =>
  ({ type: 'PositionOpened', data: { accountId: ID, orderId: 1, commission, balance: after } }) as unknown as DomainEvent;
const closeWith = (profit: string, after: string) => ({ type: 'PositionClosed', data: { accountId: ID, orderId: 1, profit, balance: after } }) as unknown as DomainEvent;
const writeOff = (amount: string): DomainEvent => ({ type: 'BalanceWrittenOff', data: { accountId: ID, amount, balance: '0', at: 't' } });

function ledgerOf(events: DomainEvent[]): MoneyLedger {
  const ledger = new MoneyLedger();
  events.forEach((event, revision) => ledger.apply(event, revision));
  return ledger;
}

const consistent = [opened, balance('10000', '10000'), balance('-250.5', '9749.5'), open('7', '9742.5'), closeWith('-9800', '-57.5'), writeOff('57.5')];

describe('an account whose money adds up', () => {
  it('shows deposits − withdrawals + realized profit − commission + write-offs equal to its balance', () => {
    const ledger = ledgerOf(consistent);
    const money = ledger.accounts.get(ID)!;
    expect(money).toMatchObject({
      deposits: parseFixed('10000'),
      withdrawals: parseFixed('250.5'),
      commission: parseFixed('7'),
      realizedProfit: parseFixed('-9800'),
      writeOffs: parseFixed('57.5'),
      recordedBalance: 0n,
    });
    expect(computedBalance(money)).toBe(0n);
    expect(ledger.check([{ source: 'read model', of: () => 0n }])).toEqual([]);
  });
});

describe('an event that records a balance its amounts do not explain', () => {
  it('is reported with its revision and both balances', () => {
    const ledger = ledgerOf([opened, balance('10000', '10000'), closeWith('100', '10200')]);
    const [difference] = ledger.check([]);
    expect(difference).toMatchObject({ kind: 'money', key: String(ID), expected: '10100', actual: '10200' });
    expect(formatDifference(difference!)).toContain('PositionClosed at revision 2 records the balance 10200, but the events before it and its own amount give 10100');
  });
});

describe('a read model balance that is not what the events add up to', () => {
  it('is reported with the sum spelled out', () => {
    const ledger = ledgerOf(consistent.slice(0, 3));
    const differences = ledger.check([
      { source: 'engine state', of: () => parseFixed('9749.5') },
      { source: 'read model', of: () => parseFixed('12345') },
    ]);
    expect(differences).toHaveLength(1);
    expect(formatDifference(differences[0]!)).toBe(
      '[money] accounts 100001 .balance: the read model shows the balance 12345, but deposits 10000 − withdrawals 250.5 + realized profit 0 − commission 0 + write-offs 0 = 9749.5',
    );
  });

  it('is reported when the account is missing altogether', () => {
    expect(ledgerOf([opened]).check([{ source: 'read model', of: () => undefined }])).toEqual([
      expect.objectContaining({ kind: 'money', key: String(ID), note: 'the read model has no such account' }),
    ]);
  });
});
