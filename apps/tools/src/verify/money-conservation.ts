import { fixedToString, parseFixed, type DomainEvent, type Fixed } from '../../../../libs/domain/src/index.js';
import type { Difference } from './difference.js';

export interface AccountMoney {
  deposits: Fixed;
  withdrawals: Fixed;
  realizedProfit: Fixed;
  commission: Fixed;
  writeOffs: Fixed;
  /** The balance the last money event of the account recorded. */
  recordedBalance: Fixed;
  /** The first event whose recorded balance disagreed with the sum so far. */
  firstBreak?: { revision: number; type: string; recorded: Fixed; computed: Fixed };
}

/** deposits − withdrawals + realized profit − commission + write-offs */
export const computedBalance = (m: AccountMoney): Fixed => m.deposits - m.withdrawals + m.realizedProfit - m.commission + m.writeOffs;

/**
 * Conservation of money per account, from the events alone: every balance an event records must be
 * the previous one plus what the event moved (a deposit or withdrawal, a realized profit or loss,
 * a commission, a write-off), and the final balance must equal
 * deposits − withdrawals + realized profit − commission + write-offs.
 */
export class MoneyLedger {
  readonly accounts = new Map<number, AccountMoney>();

  apply(event: DomainEvent, revision: number): void {
    switch (event.type) {
      case 'AccountOpened':
        this.accounts.set(event.data.accountId, { deposits: 0n, withdrawals: 0n, realizedProfit: 0n, commission: 0n, writeOffs: 0n, recordedBalance: 0n });
        return;
      case 'BalanceChanged': {
        const amount = parseFixed(event.data.amount);
        this.move(event, revision, event.data.accountId, event.data.balance, (m) => {
          if (amount >= 0n) m.deposits += amount;
          else m.withdrawals -= amount;
        });
        return;
      }
      case 'PositionOpened':
        this.move(event, revision, event.data.accountId, event.data.balance, (m) => (m.commission += parseFixed(event.data.commission)));
        return;
      case 'PositionClosed':
        this.move(event, revision, event.data.accountId, event.data.balance, (m) => (m.realizedProfit += parseFixed(event.data.profit)));
        return;
      case 'BalanceWrittenOff':
        this.move(event, revision, event.data.accountId, event.data.balance, (m) => (m.writeOffs += parseFixed(event.data.amount)));
        return;
      default:
        return;
    }
  }

  private move(event: DomainEvent, revision: number, accountId: number, balance: string, change: (m: AccountMoney) => void): void {
    const money = this.accounts.get(accountId);
    if (!money) return; // an event for an account never opened: the engine fold reports that loudly
    change(money);
    money.recordedBalance = parseFixed(balance);
    const computed = computedBalance(money);
    if (!money.firstBreak && computed !== money.recordedBalance) {
      money.firstBreak = { revision, type: event.type, recorded: money.recordedBalance, computed };
    }
  }

  /** Differences for every account whose money does not add up, against the log and against the given balances. */
  check(balances: { source: string; of: (accountId: number) => Fixed | undefined }[]): Difference[] {
    const differences: Difference[] = [];
    for (const [accountId, m] of this.accounts) {
      const computed = computedBalance(m);
      const sum =
        `deposits ${fixedToString(m.deposits)} − withdrawals ${fixedToString(m.withdrawals)} + realized profit ${fixedToString(m.realizedProfit)}` +
        ` − commission ${fixedToString(m.commission)} + write-offs ${fixedToString(m.writeOffs)} = ${fixedToString(computed)}`;
      const key = String(accountId);
      if (m.firstBreak) {
        const b = m.firstBreak;
        differences.push({
          kind: 'money',
          area: 'accounts',
          key,
          field: 'balance',
          expected: fixedToString(b.computed),
          actual: fixedToString(b.recorded),
          note: `${b.type} at revision ${b.revision} records the balance ${fixedToString(b.recorded)}, but the events before it and its own amount give ${fixedToString(b.computed)}`,
        });
      }
      if (computed !== m.recordedBalance && !m.firstBreak) {
        differences.push({ kind: 'money', area: 'accounts', key, field: 'balance', note: `the log's last balance is ${fixedToString(m.recordedBalance)}, but ${sum}` });
      }
      for (const { source, of } of balances) {
        const balance = of(accountId);
        if (balance === undefined) {
          differences.push({ kind: 'money', area: 'accounts', key, note: `the ${source} has no such account` });
        } else if (balance !== computed) {
          differences.push({
            kind: 'money',
            area: 'accounts',
            key,
            field: 'balance',
            expected: fixedToString(computed),
            actual: fixedToString(balance),
            note: `the ${source} shows the balance ${fixedToString(balance)}, but ${sum}`,
          });
        }
      }
    }
    return differences;
  }
}
