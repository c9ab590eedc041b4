import type { ExpirationType } from '../events/index.js';

/** New price, levels and lifetime of a pending order; omitted levels (null) are removed. */
export interface ModifyOrder {
  type: 'ModifyOrder';
  commandId: string;
  userId: number;
  accountId: number | null;
  orderId: number;
  price: string;
  stopLimitPrice: string | null;
  takeProfit: string | null;
  stopLoss: string | null;
  /** null keeps the current lifetime. */
  expiration: { type: ExpirationType; time: number | null } | null;
  deadline: number;
}
