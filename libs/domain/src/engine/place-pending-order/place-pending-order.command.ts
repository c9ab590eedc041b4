import type { ExpirationType, PendingOrderType } from '../events/index.js';

export interface PlacePendingOrder {
  type: 'PlacePendingOrder';
  commandId: string;
  userId: number;
  accountId: number;
  symbol: string;
  orderType: PendingOrderType;
  volume: string;
  /** Entry price: the limit price, or the stop price of a stop or stop-limit. */
  price: string;
  /** Stop-limit orders only: the limit placed once the stop price is reached. */
  stopLimitPrice: string | null;
  leverage: number | null;
  takeProfit: string | null;
  stopLoss: string | null;
  expiration: { type: ExpirationType; time: number | null };
  clientId: string | null;
  comment: string | null;
  magic: number | null;
  deadline: number;
}
