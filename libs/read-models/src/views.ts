import type { CloseReason, ExpirationType, PendingOrderType, Side } from '../../domain/src/index.js';

/** Read-model documents: what GETs answer from. Money, prices and volumes are decimal strings. */
export interface UserView {
  userId: number;
  email: string;
  passwordHash: string;
  registeredAt: string;
}

export interface AccountView {
  accountId: number;
  userId: number;
  name: string;
  group: string;
  currency: string;
  leverage: number;
  balance: string;
  /** Margin held by open positions. */
  margin: string;
  openedAt: string;
}

export interface OpenOrderView {
  orderId: number;
  accountId: number;
  symbol: string;
  side: Side;
  volume: string;
  leverage: number;
  openPrice: string;
  margin: string;
  takeProfit: string | null;
  stopLoss: string | null;
  openTime: string;
  clientId: string | null;
  comment: string | null;
  /** MARKET, or the pending order type that filled. */
  orderType?: string;
  commission?: string;
  magic?: number | null;
}

/** A pending order waiting for its entry. */
export interface PendingOrderView {
  orderId: number;
  accountId: number;
  symbol: string;
  orderType: PendingOrderType;
  side: Side;
  volume: string;
  price: string;
  stopLimitPrice: string | null;
  leverage: number;
  takeProfit: string | null;
  stopLoss: string | null;
  expiration: { type: ExpirationType; at: string | null };
  placedAt: string;
  clientId: string | null;
  comment: string | null;
  magic: number | null;
}

export interface GroupView {
  name: string;
  leverage: number;
  maxLeverage: number;
  marginCallPercent: string;
  stopOutPercent: string;
  commissionPerLot: string;
  symbols: string[] | null;
  hedging: boolean;
}

export interface ClosedOrderView {
  orderId: number;
  accountId: number;
  symbol: string;
  side: Side;
  /** The volume this close took (a partial close is its own row under the same orderId). */
  volume: string;
  leverage: number;
  openPrice: string;
  closePrice: string;
  takeProfit: string | null;
  stopLoss: string | null;
  openTime: string;
  closeTime: string;
  profit: string;
  reason: CloseReason;
  /** Log position of the close, a stable tie-breaker for ordering. */
  position: number;
}
