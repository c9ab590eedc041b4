export type BalanceChangeKind = 'DEPOSIT' | 'WITHDRAWAL';

export interface BalanceChanged {
  type: 'BalanceChanged';
  data: {
    accountId: number;
    kind: BalanceChangeKind;
    /** Signed decimal string: positive deposits, negative withdrawals. */
    amount: string;
    /** The balance after this change. */
    balance: string;
    comment: string;
    changedAt: string;
  };
}
