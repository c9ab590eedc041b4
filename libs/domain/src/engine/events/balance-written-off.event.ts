/**
 * Negative balance protection: a loss beyond the balance (a gap through a stop) is written off by
 * the broker, so a balance never ends below zero. `amount` is what the broker absorbed (positive).
 */
export interface BalanceWrittenOff {
  type: 'BalanceWrittenOff';
  data: { accountId: number; amount: string; balance: string; at: string };
}
