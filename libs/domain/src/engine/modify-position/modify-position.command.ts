/** New take-profit and stop-loss levels of an open position (null removes a level). */
export interface ModifyPosition {
  type: 'ModifyPosition';
  commandId: string;
  userId: number;
  accountId: number | null;
  orderId: number;
  takeProfit: string | null;
  stopLoss: string | null;
  deadline: number;
}
