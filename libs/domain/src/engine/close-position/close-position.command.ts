export interface ClosePosition {
  type: 'ClosePosition';
  commandId: string;
  userId: number;
  /** When given, the position must belong to this account. */
  accountId: number | null;
  orderId: number;
  /** Lots to close; the whole position when null. */
  volume: string | null;
  /** Tags shown on the closing deal; null when none was given. */
  clientId: string | null;
  comment: string | null;
  deadline: number;
}
