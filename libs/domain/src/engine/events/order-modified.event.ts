import type { Expiration } from './order-placed.event.js';

export interface OrderModified {
  type: 'OrderModified';
  data: {
    accountId: number;
    orderId: number;
    price: string;
    stopLimitPrice: string | null;
    takeProfit: string | null;
    stopLoss: string | null;
    expiration: Expiration;
    modifiedAt: string;
  };
}
