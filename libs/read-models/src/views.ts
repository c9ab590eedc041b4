import type { CloseReason, Side } from '../../domain/src/index.js';

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
