import type { Side } from '../../pricing/pricing.js';
import type { PendingOrderType } from './order-placed.event.js';

/** The quote that priced a fill, trigger or rejection, so an auditor can see what the engine saw. */
export interface QuoteUsed {
  bid: string;
  ask: string;
  time: string;
  /** The feed that produced the tick; absent for quotes recorded before feeds were named. */
  feed?: string;
}

export interface PositionOpened {
  type: 'PositionOpened';
  data: {
    accountId: number;
    orderId: number;
    symbol: string;
    side: Side;
    volume: string;
    openPrice: string;
    leverage: number;
    /** Margin held for this position, in account currency, fixed at open. */
    margin: string;
    takeProfit: string | null;
    stopLoss: string | null;
    openTime: string;
    /** MARKET, or the pending order that filled (the position keeps the order's id). */
    orderType: 'MARKET' | PendingOrderType;
    /** The group's commission for this volume, charged now. */
    commission: string;
    /** The balance after the commission. */
    balance: string;
    quote: QuoteUsed;
    clientId: string | null;
    comment: string | null;
    magic: number | null;
  };
}
