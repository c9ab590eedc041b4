export interface ClosePositionsBySymbol {
  type: 'ClosePositionsBySymbol';
  commandId: string;
  userId: number;
  accountId: number;
  symbol: string;
  /** Tags shown on every closing deal; null when none was given. */
  clientId: string | null;
  comment: string | null;
  deadline: number;
}
