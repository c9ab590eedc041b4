export interface AccountGroupChanged {
  type: 'AccountGroupChanged';
  /** The account takes the group's leverage. */
  data: { accountId: number; group: string; leverage: number; changedAt: string };
}
