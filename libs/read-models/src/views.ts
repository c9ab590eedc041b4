import type { BalanceChangeKind, CloseReason, ExpirationType, PendingOrderType, Side } from '../../domain/src/index.js';

/** Read-model documents: what GETs answer from. Money, prices and volumes are decimal strings. */
export interface UserView {
  userId: number;
  email: string;
  passwordHash: string;
  registeredAt: string;
  /** 'manager' for a manager (created by the admin); absent for a trader. */
  role?: 'manager';
  /** A manager's groups: it may trade every account in them. */
  groups?: string[];
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

/** How an order ended: filled, cancelled by its owner, expired, or refused when it triggered (no money). */
export type OrderFinalState = 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

/** An order that reached a final state (the order history). */
export interface HistoryOrderView {
  orderId: number;
  accountId: number;
  symbol: string;
  /** MARKET, or the pending type it rested as last (an activated stop-limit is its limit). */
  orderType: 'MARKET' | PendingOrderType;
  side: Side;
  state: OrderFinalState;
  volume: string;
  /** A market order's fill price; a pending order's limit or stop price. */
  price: string;
  stopLimitPrice: string | null;
  /** The price it filled at; null when it never filled. */
  fillPrice: string | null;
  leverage: number;
  takeProfit: string | null;
  stopLoss: string | null;
  /** A market order's is GTC. */
  expiration: { type: ExpirationType; at: string | null };
  placedAt: string;
  /** When it filled, was cancelled or expired. */
  doneAt: string;
  clientId: string | null;
  comment: string | null;
  magic: number | null;
  /** Log position of the event that ended it, the tie-breaker for equal times. */
  position: number;
}

/** OPEN: an order filled; a CloseReason: (part of) a position closed; the rest: balance operations. */
export type DealReason = 'OPEN' | CloseReason | BalanceChangeKind | 'WRITE_OFF';

/** One deal: a fill that opened a position, a close of (part of) one, or a balance operation. */
export interface DealView {
  /** The log position of the event that made it: unique and increasing. */
  dealId: number;
  accountId: number;
  /** BUY or SELL for trades (closing a BUY position is a SELL deal); BALANCE for balance operations. */
  kind: Side | 'BALANCE';
  /** IN opened a position, OUT closed (part of) one; null for a balance operation. */
  entry: 'IN' | 'OUT' | null;
  time: string;
  symbol: string | null;
  volume: string | null;
  price: string | null;
  /** Realized profit of an OUT deal, the signed amount of a balance operation, 0 for an IN deal. */
  profit: string;
  /** Commission charged, as a negative amount (0 when none). */
  commission: string;
  positionId: number | null;
  orderId: number | null;
  reason: DealReason;
  takeProfit: string | null;
  stopLoss: string | null;
  clientId: string | null;
  comment: string | null;
  magic: number | null;
}

/** A time range of ISO-8601 UTC instants (`toISOString()` form): `from` inclusive, `to` exclusive. */
export interface TimeRange {
  from: string;
  to: string;
}

/** A page of a listing: skip `offset` rows, return at most `limit` (all when absent). */
export interface Page {
  offset?: number;
  limit?: number;
}
