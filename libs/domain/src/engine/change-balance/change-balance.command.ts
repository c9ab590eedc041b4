/** An operator's deposit (positive) or withdrawal (negative). */
export interface ChangeBalance {
  type: 'ChangeBalance';
  commandId: string;
  accountId: number;
  amount: string;
  comment: string;
}
