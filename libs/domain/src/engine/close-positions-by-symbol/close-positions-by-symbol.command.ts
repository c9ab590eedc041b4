export interface ClosePositionsBySymbol {
  type: 'ClosePositionsBySymbol';
  commandId: string;
  userId: number;
  accountId: number;
  symbol: string;
  deadline: number;
}
