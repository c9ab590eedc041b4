export interface CancelOrder {
  type: 'CancelOrder';
  commandId: string;
  userId: number;
  accountId: number | null;
  orderId: number;
  deadline: number;
}
