export interface PositionModified {
  type: 'PositionModified';
  data: {
    accountId: number;
    orderId: number;
    takeProfit: string | null;
    stopLoss: string | null;
    modifiedAt: string;
  };
}
